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
  VkDeviceAddress range;
  uint32_t size;
  uint32_t channels;
  uint32_t zoom;
  uint32_t shrink;
  uint32_t tiles;
  uint32_t columns;
  uint32_t gap;
  uint32_t width;
  uint32_t height;
  uint32_t bgra;
  uint32_t normalise;
  uint32_t background;
};

void check_images(const Tensor& x) {
  if (x.rank() != 4 || x.dim(2) != x.dim(3) || (x.dim(1) != 1 && x.dim(1) != 3)) {
    throw Error("only square images with 1 or 3 channels can be shown, not " +
                to_string(x.shape()));
  }
}

void check_layout(const TileLayout& layout, int size) {
  if (layout.columns < 1 || layout.gap < 0 || layout.zoom < 1 || layout.shrink < 1) {
    throw Error("bad tile layout (columns, zoom and shrink must be at least 1)");
  }
  if (size % layout.shrink != 0) throw Error("the tile size is not a multiple of the shrink");
}

uint32_t background(PixelOrder order) {
  const uint32_t low = order == PixelOrder::bgra ? kBackground[2] : kBackground[0];
  const uint32_t high = order == PixelOrder::bgra ? kBackground[0] : kBackground[2];
  return low | uint32_t{kBackground[1]} << 8 | high << 16 | 255u << 24;
}

int64_t rows_of(int64_t tiles, const TileLayout& layout) {
  return (tiles + layout.columns - 1) / layout.columns;
}

// Tiles [first, first + count) of x, whose bytes from `src` on are read.
void convert(const Tensor& x, int64_t first, int64_t count, const TileLayout& layout,
             PixelOrder order, DisplayImage& out) {
  const int size = static_cast<int>(x.dim(2));
  check_layout(layout, size);
  const TileLayout one_row{std::min<int>(layout.columns, static_cast<int>(count)), layout.gap,
                           layout.zoom, layout.shrink, layout.normalise};
  const int width = tile_grid_width(count, size, one_row);
  const int height = tile_grid_height(count, size, one_row);
  if (!out.pixels.defined() || out.width != width || out.height != height) {
    out.pixels = Tensor::empty({int64_t{width} * height});
    out.width = width;
    out.height = height;
  }
  const int64_t tile = x.numel() / x.dim(0);
  const VkDeviceAddress src = x.address() + static_cast<VkDeviceAddress>(first * tile * 4);
  const vk::Access read{src, src + static_cast<VkDeviceAddress>(count * tile * 4), false};
  VkDeviceAddress range = src;  // not read unless normalised
  if (layout.normalise) {
    if (!out.range.defined() || out.range.numel() < 2 * count) {
      out.range = Tensor::empty({count, 2});
    }
    range = out.range.address();
  }
  const DisplayPush push{src,
                         out.pixels.address(),
                         range,
                         static_cast<uint32_t>(size),
                         static_cast<uint32_t>(x.dim(1)),
                         static_cast<uint32_t>(layout.zoom),
                         static_cast<uint32_t>(layout.shrink),
                         static_cast<uint32_t>(count),
                         static_cast<uint32_t>(one_row.columns),
                         static_cast<uint32_t>(layout.gap),
                         static_cast<uint32_t>(width),
                         static_cast<uint32_t>(height),
                         order == PixelOrder::bgra ? 1u : 0u,
                         layout.normalise ? 1u : 0u,
                         background(order)};
  if (layout.normalise) {
    ops::launch_1d(shaders::display_range, static_cast<uint64_t>(count), push,
                   {read, out.range.writes()});
    ops::launch_1d(shaders::display_pixels, static_cast<uint64_t>(width) * height, push,
                   {read, out.range.reads(), out.pixels.writes()});
  } else {
    ops::launch_1d(shaders::display_pixels, static_cast<uint64_t>(width) * height, push,
                   {read, out.pixels.writes()});
  }
}

}  // namespace

int tile_grid_width(int64_t tiles, int size, const TileLayout& layout) {
  const int64_t columns = std::min<int64_t>(layout.columns, std::max<int64_t>(tiles, 1));
  const int64_t tile = size / layout.shrink * layout.zoom;
  return static_cast<int>(columns * tile + (columns - 1) * layout.gap);
}

int tile_grid_height(int64_t tiles, int size, const TileLayout& layout) {
  const int64_t rows = rows_of(std::max<int64_t>(tiles, 1), layout);
  const int64_t tile = size / layout.shrink * layout.zoom;
  return static_cast<int>(rows * tile + (rows - 1) * layout.gap);
}

void to_display(const Tensor& x, int64_t n, int zoom, PixelOrder order, DisplayImage& out) {
  check_images(x);
  if (n < 0 || n >= x.dim(0)) throw Error("image " + std::to_string(n) + " is out of range");
  if (zoom < 1) throw Error("zoom must be at least 1");
  convert(x, n, 1, TileLayout{1, 0, zoom, 1, false}, order, out);
}

void to_display_tiles(const Tensor& x, const TileLayout& layout, PixelOrder order,
                      DisplayImage& out) {
  check_images(x);
  convert(x, 0, x.dim(0), layout, order, out);
}

}  // namespace aegan::viewer
