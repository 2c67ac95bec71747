#include <algorithm>
#include <bit>
#include <cstdint>

#include "engine/autograd.hpp"
#include "engine/ops.hpp"
#include "engine/ops/launch.hpp"
#include "shaders.hpp"

namespace aegan::ops {
namespace {

struct ColourPush {
  VkDeviceAddress x;
  VkDeviceAddress mean;
  VkDeviceAddress grad;
  VkDeviceAddress y;
  uint32_t images;
  uint32_t plane;
  uint32_t elements;
  float inverse_plane;
};

ColourPush push_for(const Tensor& x) {
  const Shape& shape = x.shape();
  if (shape.size() != 4 || shape[1] != 3 || x.numel() == 0 || x.numel() > UINT32_MAX) {
    throw Error("colour statistics need a nonempty [N, 3, H, W] tensor, not " + to_string(shape));
  }
  const int64_t plane = shape[2] * shape[3];
  return {x.address(),
          0,
          0,
          0,
          static_cast<uint32_t>(shape[0]),
          static_cast<uint32_t>(plane),
          static_cast<uint32_t>(x.numel()),
          static_cast<float>(1.0 / static_cast<double>(plane))};
}

// One workgroup per image for the forward kernels; small planes get small workgroups rather than
// mostly idle ones waiting at every step of the tree.
void launch_per_image(const vk::ShaderCode& kernel, const ColourPush& push,
                      std::initializer_list<vk::Access> accesses) {
  const uint32_t size =
      std::min(Runtime::get().workgroup_size(), std::bit_ceil((push.plane + 15) / 16));
  launch(kernel, {size}, grid_1d(uint64_t{push.images} * size, size), push, accesses);
}

Tensor mean_of(const Tensor& x) {
  ColourPush push = push_for(x);
  Tensor mean = Tensor::empty({x.dim(0), 3});
  push.y = mean.address();
  launch_per_image(shaders::colour_mean, push, {x.reads(), mean.writes()});
  return mean;
}

}  // namespace

Tensor colour_mean(const Tensor& x) {
  Tensor mean = mean_of(x);
  if (needs_grad({&x})) {
    record(mean, "colour_mean", {x}, [push = push_for(x), shape = x.shape()](const Tensor& grad) {
      Tensor dx = Tensor::empty(shape);
      ColourPush backward = push;
      backward.x = grad.address();  // unread; any valid address
      backward.grad = grad.address();
      backward.y = dx.address();
      launch_1d(shaders::colour_mean_backward, push.elements, backward,
                {grad.reads(), dx.writes()});
      return std::vector<Tensor>{dx};
    });
  }
  return mean;
}

Tensor colour_covariance(const Tensor& x) {
  const Tensor mean = mean_of(x);
  ColourPush push = push_for(x);
  Tensor covariance = Tensor::empty({x.dim(0), 3, 3});
  push.mean = mean.address();
  push.y = covariance.address();
  launch_per_image(shaders::colour_covariance, push,
                   {x.reads(), mean.reads(), covariance.writes()});
  if (needs_grad({&x})) {
    record(covariance, "colour_covariance", {x}, [push, x = x.detach(), mean](const Tensor& grad) {
      Tensor dx = Tensor::empty(x.shape());
      ColourPush backward = push;
      backward.grad = grad.address();
      backward.y = dx.address();
      launch_1d(shaders::colour_covariance_backward, push.elements, backward,
                {x.reads(), mean.reads(), grad.reads(), dx.writes()});
      return std::vector<Tensor>{dx};
    });
  }
  return covariance;
}

}  // namespace aegan::ops
