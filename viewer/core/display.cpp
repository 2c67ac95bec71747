#include "viewer/core/display.hpp"

#include <string>

#include "engine/error.hpp"
#include "engine/ops/launch.hpp"
#include "shaders.hpp"

namespace aegan::viewer {
namespace {

struct DisplayPush {
  VkDeviceAddress src;
  VkDeviceAddress dst;
  uint32_t size;
  uint32_t channels;
  uint32_t zoom;
  uint32_t bgra;
};

}  // namespace

void to_display(const Tensor& x, int64_t n, int zoom, PixelOrder order, DisplayImage& out) {
  if (x.rank() != 4 || x.dim(2) != x.dim(3) || (x.dim(1) != 1 && x.dim(1) != 3)) {
    throw Error("only square images with 1 or 3 channels can be shown, not " +
                to_string(x.shape()));
  }
  if (n < 0 || n >= x.dim(0)) throw Error("image " + std::to_string(n) + " is out of range");
  if (zoom < 1) throw Error("zoom must be at least 1");
  const int size = static_cast<int>(x.dim(2));
  const int width = size * zoom;
  if (!out.pixels.defined() || out.width != width || out.height != width) {
    out.pixels = Tensor::empty({int64_t{width} * width});
    out.width = out.height = width;
  }
  const int64_t image = x.numel() / x.dim(0);
  const VkDeviceAddress src = x.address() + static_cast<VkDeviceAddress>(n * image * 4);
  const DisplayPush push{src,
                         out.pixels.address(),
                         static_cast<uint32_t>(size),
                         static_cast<uint32_t>(x.dim(1)),
                         static_cast<uint32_t>(zoom),
                         order == PixelOrder::bgra ? 1u : 0u};
  const vk::Access read{src, src + static_cast<VkDeviceAddress>(image * 4), false};
  ops::launch_1d(shaders::display, static_cast<uint64_t>(width) * width, push,
                 {read, out.pixels.writes()});
}

}  // namespace aegan::viewer
