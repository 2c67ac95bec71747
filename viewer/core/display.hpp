#pragma once
#include <cstdint>

#include "engine/tensor.hpp"

namespace aegan::viewer {

// Byte order of a packed pixel in the lowest to highest byte, as the window's images store them.
enum class PixelOrder { rgba, bgra };

// An image ready to be copied into a window: width * height packed 8-bit pixels (one 32-bit word
// each) in device memory. The Tensor only owns the memory; its floats are not floats.
struct DisplayImage {
  Tensor pixels;
  int width = 0;
  int height = 0;
  Tensor range;  // per-tile minimum and maximum while tiles are normalised
};

// How to_display_tiles lays tiles out: `columns` to a row, `gap` background pixels between them,
// each source pixel drawn as a zoom x zoom block or each shrink x shrink box as one pixel.
struct TileLayout {
  int columns = 1;
  int gap = 0;
  int zoom = 1;
  int shrink = 1;
  // false: values in [-1, 1] map to black .. white (what every network output here is in);
  // true: each tile's own minimum .. maximum does, so weak channels become visible.
  bool normalise = false;
};

// The colour between tiles: the window's background.
inline constexpr uint8_t kBackground[3] = {23, 23, 26};

// Records, on the engine's stream, the conversion of image `n` of x [N, C, S, S] (C = 1 or 3,
// values in [-1, 1]) into `out`, each pixel drawn as a zoom x zoom block. `out` keeps its memory
// when the size is unchanged, so a window can copy from the same buffer every frame.
void to_display(const Tensor& x, int64_t n, int zoom, PixelOrder order, DisplayImage& out);

// The same for every image of x [T, C, S, S] as a grid of tiles (a [1, C, S, S] embedding shows
// its channels when reshaped to [C, 1, S, S]). S must be a multiple of the layout's shrink.
void to_display_tiles(const Tensor& x, const TileLayout& layout, PixelOrder order,
                      DisplayImage& out);

// The size to_display_tiles gives `tiles` tiles of S x S.
int tile_grid_width(int64_t tiles, int size, const TileLayout& layout);
int tile_grid_height(int64_t tiles, int size, const TileLayout& layout);

}  // namespace aegan::viewer
