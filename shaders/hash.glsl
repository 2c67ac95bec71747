// Counter-based random bits: a function of (seed, index) only, so results do not depend on the
// device, the workgroup size or the order of execution. The hash and dropout's test are mirrored
// on the host in engine/ops/random_hash.hpp (the two must stay identical); standard_normal's
// formula is stated and computed in double by tests/reference (normal_box_muller).
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

// ln(u) for u in (0, 1] to a few ulp relative to the result, from +, *, / and frexp only. GLSL's
// own log is specified near 1 to an absolute error of 2^-21 only, which Box-Muller's square root
// of a small -2 ln u would magnify, and it differs between devices. `precise` keeps compilers from
// fusing the operations differently on different devices.
float normal_log(float u) {
  int exponent;
  precise float m = frexp(u, exponent);  // u = m 2^exponent, m in [0.5, 1)
  if (m < 0.70710678) {
    m *= 2.0;
    exponent -= 1;
  }
  // ln m = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...) with |s| < 0.172 (m - 1 is exact): the terms
  // after s^9/9 are below float precision.
  precise float s = (m - 1.0) / (m + 1.0);
  precise float s2 = s * s;
  precise float series =
      2.0 * s * (1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0)))));
  precise float result = float(exponent) * 0.693147181 + series;
  return result;
}

// Element `index` of a standard-normal sequence by Box-Muller: each pair of elements (2k, 2k+1)
// shares the uniforms of indices 2k (radius, in (0, 1] so the logarithm is finite) and 2k + 1
// (angle, in [-pi, pi) where GLSL's sin and cos are specified), the even element taking the
// cosine and the odd one the sine.
float standard_normal(uint seed_lo, uint seed_hi, uint index) {
  uint even = index & ~1u;
  float radius_uniform = float((hash3(seed_lo, seed_hi, even) >> 8) + 1u) * (1.0 / 16777216.0);
  float angle = 3.14159265358979 * (2.0 * uniform01(seed_lo, seed_hi, even | 1u) - 1.0);
  float radius = sqrt(-2.0 * normal_log(radius_uniform));
  return radius * ((index & 1u) == 0u ? cos(angle) : sin(angle));
}
