#include "engine/ops/reduce.hpp"

#include <algorithm>
#include <bit>

#include "engine/autograd.hpp"
#include "engine/ops.hpp"
#include "engine/ops/launch.hpp"
#include "engine/ops/pointwise_push.hpp"
#include "shaders.hpp"

namespace aegan::ops {
namespace {

struct ReducePush {
  VkDeviceAddress x;
  VkDeviceAddress y;
  uint32_t n;
  uint32_t chunk;
  uint32_t inner;
};

constexpr uint32_t kElementsPerInvocation = 16;

uint32_t checked_u32(int64_t value) {
  if (value < 0 || value > UINT32_MAX) throw Error("tensor too large for a reduction");
  return static_cast<uint32_t>(value);
}

}  // namespace

Tensor sum_all(const Tensor& x) {
  const uint32_t size = Runtime::get().workgroup_size();
  const uint32_t chunk = size * kElementsPerInvocation;
  if (x.numel() == 0) return Tensor::zeros({1});
  Tensor current = x;
  do {
    const uint32_t n = checked_u32(current.numel());
    const uint32_t groups = (n + chunk - 1) / chunk;
    Tensor partials = Tensor::empty({groups});
    ReducePush push{current.address(), partials.address(), n, chunk, 0};
    launch(shaders::reduce_sum, {size}, grid_1d(uint64_t{groups} * size, size), push,
           {current.reads(), partials.writes()});
    current = partials;
  } while (current.numel() > 1);
  return current;
}

Tensor sum_per_channel(const Tensor& x) {
  if (x.rank() != 4) throw Error("sum_per_channel needs NCHW, got " + to_string(x.shape()));
  // Small planes get small workgroups rather than mostly idle ones waiting at every tree step.
  const uint32_t plane = checked_u32(x.dim(2) * x.dim(3));
  const uint32_t size = std::min(Runtime::get().workgroup_size(), std::bit_ceil((plane + 15) / 16));
  Tensor y = Tensor::empty({x.dim(1)});
  ReducePush push{x.address(), y.address(), checked_u32(x.dim(0)), checked_u32(x.dim(1)),
                  checked_u32(x.dim(2) * x.dim(3))};
  launch(shaders::reduce_channel_sum, {size}, grid_1d(uint64_t(x.dim(1)) * size, size), push,
         {x.reads(), y.writes()});
  return y;
}

Tensor broadcast_scalar(const Tensor& s, const Shape& shape, float factor) {
  Tensor y = Tensor::empty(shape);
  const uint32_t n = checked_u32(y.numel());
  PointwisePush push{s.address(), s.address(), y.address(), n, factor, 0, 0};
  launch_1d(shaders::pointwise_broadcast, n, push, {s.reads(), y.writes()});
  return y;
}

Tensor sum(const Tensor& x) {
  Tensor y = sum_all(x);
  if (needs_grad({&x})) {
    record(y, "sum", {x}, [shape = x.shape()](const Tensor& grad) {
      return std::vector<Tensor>{broadcast_scalar(grad, shape, 1.0f)};
    });
  }
  return y;
}

Tensor mean(const Tensor& x) {
  if (x.numel() == 0) throw Error("mean of an empty tensor");
  const float inverse = 1.0f / static_cast<float>(x.numel());
  Tensor y = scale(sum_all(x), inverse);
  if (needs_grad({&x})) {
    record(y, "mean", {x}, [shape = x.shape(), inverse](const Tensor& grad) {
      return std::vector<Tensor>{broadcast_scalar(grad, shape, inverse)};
    });
  }
  return y;
}

}  // namespace aegan::ops
