#include <cstdint>

#include "engine/ops.hpp"
#include "engine/ops/launch.hpp"
#include "shaders.hpp"

namespace aegan::ops {
namespace {

struct RandomPush {
  VkDeviceAddress y;
  uint32_t n;
  uint32_t seed_lo;
  uint32_t seed_hi;
};

}  // namespace

Tensor normal(const Shape& shape, uint64_t seed) {
  bool positive = !shape.empty();
  for (int64_t size : shape)
    positive = positive && size > 0;
  if (!positive) throw Error("normal needs a shape of positive sizes, not " + to_string(shape));
  // Pairs of elements share their uniforms through index | 1, which must not wrap around.
  if (numel(shape) >= UINT32_MAX) throw Error("normal: shape " + to_string(shape) + " too large");
  Tensor y = Tensor::empty(shape);
  const auto n = static_cast<uint32_t>(y.numel());
  launch_1d(
      shaders::random_normal, n,
      RandomPush{y.address(), n, static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)},
      {y.writes()});
  return y;
}

}  // namespace aegan::ops
