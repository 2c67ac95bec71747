#include <cmath>
#include <numbers>
#include <stdexcept>

#include "tests/reference/reference.hpp"

namespace aegan::reference {
namespace {

// The engine's 32-bit finaliser (a murmur3-style xor-shift-multiply mix), written out again here.
uint32_t finalise(uint32_t x) {
  x = (x ^ (x >> 16)) * 0x7feb352du;
  x = (x ^ (x >> 15)) * 0x846ca68bu;
  return x ^ (x >> 16);
}

uint32_t bits_of(uint64_t seed, uint32_t index) {
  const auto lo = static_cast<uint32_t>(seed), hi = static_cast<uint32_t>(seed >> 32);
  return finalise(index ^ finalise(lo ^ finalise(hi + 0x9e3779b9u)));
}

}  // namespace

Tensor normal_box_muller(std::vector<int64_t> shape, uint64_t seed) {
  Tensor y(std::move(shape));
  if (y.numel() >= int64_t{1} << 32) throw std::invalid_argument("normal_box_muller: too large");
  for (int64_t i = 0; i < y.numel(); ++i) {
    const auto even = static_cast<uint32_t>(i) & ~1u;
    const double radius_uniform = ((bits_of(seed, even) >> 8) + 1) / 16777216.0;
    const double angle_uniform = (bits_of(seed, even | 1u) >> 8) / 16777216.0;
    const double angle = std::numbers::pi * (2.0 * angle_uniform - 1.0);
    const double radius = std::sqrt(-2.0 * std::log(radius_uniform));
    y.data[i] = radius * (i % 2 == 0 ? std::cos(angle) : std::sin(angle));
  }
  return y;
}

}  // namespace aegan::reference
