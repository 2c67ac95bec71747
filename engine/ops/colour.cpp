#include <algorithm>
#include <bit>
#include <cstdint>
#include <span>
#include <vector>

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
  uint32_t chunk;
  uint32_t chunks;
};

// Pixels each invocation of the forward kernels adds before its workgroup combines them: enough
// to amortise the tree, few enough that a large image spreads over many workgroups.
constexpr uint32_t kPixelsPerInvocation = 16;

ColourPush push_for(const Tensor& x) {
  const Shape& shape = x.shape();
  if (shape.size() != 4 || shape[1] != 3 || x.numel() == 0 || x.numel() > UINT32_MAX) {
    throw Error("colour statistics need a nonempty [N, 3, H, W] tensor, not " + to_string(shape));
  }
  const auto plane = static_cast<uint32_t>(shape[2] * shape[3]);
  return {x.address(),
          x.address(),
          x.address(),
          0,
          static_cast<uint32_t>(shape[0]),
          plane,
          static_cast<uint32_t>(x.numel()),
          static_cast<float>(1.0 / static_cast<double>(plane)),
          0,
          0};
}

// A power-of-two workgroup size of at most the runtime's, no larger than `items` needs.
uint32_t workgroup_for(uint32_t items) {
  return std::min(Runtime::get().workgroup_size(), std::bit_ceil(items));
}

// Writes y, the statistics of x (`sums` per chunk of a plane): one workgroup per chunk of each
// plane, then one per image over its chunks. `mean` is the covariance kernels', else undefined.
void sum_per_image(const vk::ShaderCode& partials_kernel, const vk::ShaderCode& combine_kernel,
                   uint32_t sums, const Tensor& x, const Tensor& mean, const Tensor& y) {
  ColourPush push = push_for(x);
  const uint32_t size =
      workgroup_for((push.plane + kPixelsPerInvocation - 1) / kPixelsPerInvocation);
  push.chunk = size * kPixelsPerInvocation;
  push.chunks = (push.plane + push.chunk - 1) / push.chunk;
  const uint32_t groups = push.images * push.chunks;
  Tensor partials = Tensor::empty({int64_t{groups} * sums});
  if (mean.defined()) push.mean = mean.address();
  push.y = partials.address();
  std::vector<vk::Access> accesses{x.reads(), partials.writes()};
  if (mean.defined()) accesses.push_back(mean.reads());
  launch(partials_kernel, {size}, grid_1d(uint64_t{groups} * size, size), push,
         std::span<const vk::Access>(accesses));
  ColourPush combine = push;
  combine.x = partials.address();
  combine.y = y.address();
  const uint32_t combine_size = workgroup_for(push.chunks);
  launch(combine_kernel, {combine_size},
         grid_1d(uint64_t{push.images} * combine_size, combine_size), combine,
         {partials.reads(), y.writes()});
}

Tensor mean_of(const Tensor& x) {
  Tensor mean = Tensor::empty({x.dim(0), 3});
  sum_per_image(shaders::colour_mean_partials, shaders::colour_mean_combine, 3, x, Tensor(), mean);
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
  Tensor covariance = Tensor::empty({x.dim(0), 3, 3});
  sum_per_image(shaders::colour_covariance_partials, shaders::colour_covariance_combine, 6, x, mean,
                covariance);
  if (needs_grad({&x})) {
    ColourPush push = push_for(x);
    push.mean = mean.address();
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
