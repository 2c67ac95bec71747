#include <cstdint>
#include <string>

#include "engine/autograd.hpp"
#include "engine/ops.hpp"
#include "engine/ops/launch.hpp"
#include "shaders.hpp"

namespace aegan::ops {
namespace {

struct GluPush {
  VkDeviceAddress x;
  VkDeviceAddress g;
  VkDeviceAddress y;
  uint32_t n;
  uint32_t half_inner;
};

// Elements of one half of an outer slice: half the channels times everything after them.
uint32_t half_inner_size(const Shape& shape) {
  if (shape.size() < 2 || shape[1] % 2 != 0 || numel(shape) == 0 || numel(shape) > UINT32_MAX) {
    throw Error("glu needs at least two dimensions and an even, nonzero dimension 1, not " +
                to_string(shape));
  }
  int64_t inner = shape[1] / 2;
  for (size_t d = 2; d < shape.size(); ++d)
    inner *= shape[d];
  return static_cast<uint32_t>(inner);
}

void run(const vk::ShaderCode& kernel, const Tensor& x, const Tensor& g, const Tensor& y,
         uint32_t n, uint32_t half_inner) {
  const Tensor& grad = g.defined() ? g : x;
  launch_1d(kernel, n, GluPush{x.address(), grad.address(), y.address(), n, half_inner},
            {x.reads(), grad.reads(), y.writes()});
}

}  // namespace

Tensor glu(const Tensor& x) {
  const uint32_t half_inner = half_inner_size(x.shape());
  Shape half = x.shape();
  half[1] /= 2;
  Tensor y = Tensor::empty(half);
  const auto n = static_cast<uint32_t>(y.numel());
  run(shaders::glu_forward, x, Tensor(), y, n, half_inner);
  if (needs_grad({&x})) {
    record(y, "glu", {x}, [x = x.detach(), n, half_inner](const Tensor& grad) {
      Tensor dx = Tensor::empty(x.shape());
      run(shaders::glu_backward, x, grad, dx, n, half_inner);
      return std::vector<Tensor>{dx};
    });
  }
  return y;
}

}  // namespace aegan::ops
