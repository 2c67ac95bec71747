#include <cstdint>
#include <string>

#include "engine/autograd.hpp"
#include "engine/ops.hpp"
#include "engine/ops/launch.hpp"
#include "shaders.hpp"

namespace aegan::ops {
namespace {

struct SpatialPush {
  VkDeviceAddress src;
  VkDeviceAddress dst;
  uint32_t n;
  uint32_t height;
  uint32_t width;
};

// dst = kernel(src) with one invocation per element of dst; height and width are the larger
// tensor's for tiling and the smaller one's for upsampling.
Tensor run(const vk::ShaderCode& kernel, const Tensor& src, const Shape& dst_shape, int64_t height,
           int64_t width) {
  Tensor dst = Tensor::empty(dst_shape);
  const auto n = static_cast<uint32_t>(dst.numel());
  launch_1d(kernel, n,
            SpatialPush{src.address(), dst.address(), n, static_cast<uint32_t>(height),
                        static_cast<uint32_t>(width)},
            {src.reads(), dst.writes()});
  return dst;
}

}  // namespace

Tensor upsample_nearest2x(const Tensor& x) {
  const Shape& shape = x.shape();
  if (shape.size() != 4 || x.numel() == 0 || 4 * x.numel() > UINT32_MAX) {
    throw Error("upsample_nearest2x needs a nonempty [N, C, H, W] tensor, not " + to_string(shape));
  }
  const int64_t height = shape[2], width = shape[3];
  Tensor y = run(shaders::spatial_upsample2x, x, {shape[0], shape[1], 2 * height, 2 * width},
                 height, width);
  if (needs_grad({&x})) {
    record(y, "upsample_nearest2x", {x}, [shape, height, width](const Tensor& grad) {
      return std::vector<Tensor>{
          run(shaders::spatial_upsample2x_backward, grad, shape, height, width)};
    });
  }
  return y;
}

Tensor tile_spatial(const Tensor& x, int size) {
  const Shape& shape = x.shape();
  const bool column = shape.size() == 2 || (shape.size() == 4 && shape[2] == 1 && shape[3] == 1);
  if (!column || x.numel() == 0 || size < 1 ||
      static_cast<uint64_t>(x.numel()) * size * size > UINT32_MAX) {
    throw Error(
        "tile_spatial needs a nonempty [N, C] or [N, C, 1, 1] tensor and a size >= 1, not " +
        to_string(shape) + " and " + std::to_string(size));
  }
  Tensor y = run(shaders::spatial_tile, x, {shape[0], shape[1], size, size}, size, size);
  if (needs_grad({&x})) {
    record(y, "tile_spatial", {x}, [shape, size](const Tensor& grad) {
      return std::vector<Tensor>{run(shaders::spatial_tile_backward, grad, shape, size, size)};
    });
  }
  return y;
}

}  // namespace aegan::ops
