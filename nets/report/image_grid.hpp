#pragma once
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "nets/report/canvas.hpp"

namespace aegan::report {

// Generator outputs and dataset images are float CHW in [-1, 1] with 3 (RGB) or 1 (grey) channels.
// Values are clamped and mapped to round((v + 1) * 127.5); NaN shows as black.

// One image as interleaved RGB8 rows (grey is replicated into all three channels).
std::vector<uint8_t> to_rgb8(std::span<const float> image, int channels, int size);

// count images of channels x size x size, row by row in `columns` columns (0: as square as
// possible), separated and surrounded by `padding` pixels of dark grey.
Canvas image_grid(std::span<const float> images, int count, int channels, int size, int columns,
                  int padding = 2);
void write_image_grid(const std::filesystem::path& png, std::span<const float> images, int count,
                      int channels, int size, int columns, int padding = 2);

// One embedding tensor C x S x S as C grey tiles. Its values have no fixed range, so the whole
// tensor (not each channel: their relative strength is the point) is stretched from its minimum to
// its maximum; a constant tensor is mid grey.
Canvas channel_grid(std::span<const float> tensor, int channels, int size, int columns = 0,
                    int padding = 2);
void write_channel_grid(const std::filesystem::path& png, std::span<const float> tensor,
                        int channels, int size, int columns = 0, int padding = 2);

}  // namespace aegan::report
