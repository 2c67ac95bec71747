// Counter-based random bits: a function of (seed, index) only, so results do not depend on the
// device, the workgroup size or the order of execution. Mirrored on the host in
// engine/ops/random_hash.hpp; the two must stay identical.
uint mix32(uint x) {
  x ^= x >> 16;
  x *= 0x7feb352du;
  x ^= x >> 15;
  x *= 0x846ca68bu;
  x ^= x >> 16;
  return x;
}

uint hash3(uint seed_lo, uint seed_hi, uint index) {
  return mix32(index ^ mix32(seed_lo ^ mix32(seed_hi + 0x9e3779b9u)));
}

// Uniform in [0, 1) with 24 bits.
float uniform01(uint seed_lo, uint seed_hi, uint index) {
  return float(hash3(seed_lo, seed_hi, index) >> 8) * (1.0 / 16777216.0);
}

bool dropout_keep(uint seed_lo, uint seed_hi, uint index, float p) {
  return uniform01(seed_lo, seed_hi, index) >= p;
}
