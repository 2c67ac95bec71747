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
};

// Records, on the engine's stream, the conversion of image `n` of x [N, C, S, S] (C = 1 or 3,
// values in [-1, 1]) into `out`, each pixel drawn as a zoom x zoom block. `out` keeps its memory
// when the size is unchanged, so a window can copy from the same buffer every frame.
void to_display(const Tensor& x, int64_t n, int zoom, PixelOrder order, DisplayImage& out);

}  // namespace aegan::viewer
