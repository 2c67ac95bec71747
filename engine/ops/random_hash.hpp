#pragma once
#include <cstdint>

namespace aegan::ops {

// Host twin of shaders/hash.glsl (same arithmetic, bit for bit): lets tests and the CPU side know
// which elements a seeded dropout keeps.
constexpr uint32_t mix32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352du;
  x ^= x >> 15;
  x *= 0x846ca68bu;
  x ^= x >> 16;
  return x;
}

constexpr uint32_t hash3(uint32_t seed_lo, uint32_t seed_hi, uint32_t index) {
  return mix32(index ^ mix32(seed_lo ^ mix32(seed_hi + 0x9e3779b9u)));
}

constexpr bool dropout_keep(uint64_t seed, uint32_t index, float p) {
  const auto bits = hash3(static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32), index);
  return static_cast<float>(bits >> 8) * (1.0f / 16777216.0f) >= p;
}

}  // namespace aegan::ops
