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

// dst = kernel(src) with one invocation per element of dst; height and width are those of the
// smaller of the two tensors.
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

}  // namespace aegan::ops
