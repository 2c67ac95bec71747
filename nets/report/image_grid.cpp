#include "nets/report/image_grid.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/error.hpp"
#include "nets/report/png.hpp"

namespace aegan::report {

namespace {

constexpr Rgb kBackground{40, 40, 40};

uint8_t to_byte(float v) {
  // Written so that NaN fails both comparisons and lands on -1.
  v = v > 1.0f ? 1.0f : (v >= -1.0f ? v : -1.0f);
  return static_cast<uint8_t>(std::lround((v + 1.0f) * 127.5f));
}

void check_shape(size_t values, int count, int channels, int size, std::string_view what) {
  if (count <= 0 || size <= 0 || channels <= 0) {
    throw Error(std::string(what) + ": count, channels and size must be positive");
  }
  const size_t expected = size_t(count) * size_t(channels) * size_t(size) * size_t(size);
  if (values != expected) {
    throw Error(std::string(what) + ": expected " + std::to_string(expected) + " values for " +
                std::to_string(count) + "x" + std::to_string(channels) + "x" +
                std::to_string(size) + "x" + std::to_string(size) + ", got " +
                std::to_string(values));
  }
}

void check_image_channels(int channels) {
  if (channels != 1 && channels != 3) {
    throw Error("images must have 1 or 3 channels, not " + std::to_string(channels));
  }
}

// Lays out count tiles of size x size; shade(tile, x, y) gives each pixel's colour. A template
// rather than std::function: it runs once per pixel of batches of 512 x 512 images.
template <class Shade>
Canvas tile_grid(int count, int size, int columns, int padding, const Shade& shade) {
  if (columns < 0 || padding < 0) throw Error("grid columns and padding must not be negative");
  if (columns == 0) columns = int(std::ceil(std::sqrt(double(count))));
  columns = std::min(columns, count);
  const int rows = (count + columns - 1) / columns;
  const int64_t width = int64_t{columns} * (size + padding) + padding;
  const int64_t height = int64_t{rows} * (size + padding) + padding;
  if (width > INT32_MAX || height > INT32_MAX) throw Error("image grid is too large");
  Canvas canvas(int(width), int(height), kBackground);
  for (int tile = 0; tile < count; ++tile) {
    const int left = padding + (tile % columns) * (size + padding);
    const int top = padding + (tile / columns) * (size + padding);
    for (int y = 0; y < size; ++y) {
      for (int x = 0; x < size; ++x)
        canvas.set(left + x, top + y, shade(tile, x, y));
    }
  }
  return canvas;
}

}  // namespace

std::vector<uint8_t> to_rgb8(std::span<const float> image, int channels, int size) {
  check_image_channels(channels);
  check_shape(image.size(), 1, channels, size, "to_rgb8");
  const size_t plane = size_t(size) * size_t(size);
  std::vector<uint8_t> rgb(plane * 3);
  for (size_t i = 0; i < plane; ++i) {
    for (size_t c = 0; c < 3; ++c)
      rgb[i * 3 + c] = to_byte(image[(channels == 3 ? c : 0) * plane + i]);
  }
  return rgb;
}

Canvas image_grid(std::span<const float> images, int count, int channels, int size, int columns,
                  int padding) {
  check_image_channels(channels);
  check_shape(images.size(), count, channels, size, "image grid");
  const size_t plane = size_t(size) * size_t(size);
  const size_t green = channels == 3 ? plane : 0, blue = channels == 3 ? 2 * plane : 0;
  return tile_grid(count, size, columns, padding, [&](int tile, int x, int y) {
    const size_t i = size_t(tile) * size_t(channels) * plane + size_t(y) * size_t(size) + size_t(x);
    return Rgb{to_byte(images[i]), to_byte(images[i + green]), to_byte(images[i + blue])};
  });
}

void write_image_grid(const std::filesystem::path& png, std::span<const float> images, int count,
                      int channels, int size, int columns, int padding) {
  write_png(png, image_grid(images, count, channels, size, columns, padding));
}

Canvas channel_grid(std::span<const float> tensor, int channels, int size, int columns,
                    int padding) {
  check_shape(tensor.size(), channels, 1, size, "channel grid");
  float lo = INFINITY, hi = -INFINITY;
  for (float v : tensor) {
    if (std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  // Leaves non-finite values and a constant tensor (lo == hi) at mid grey after the mapping below.
  const float scale = hi > lo ? 2.0f / (hi - lo) : 0.0f;
  const size_t plane = size_t(size) * size_t(size);
  return tile_grid(channels, size, columns, padding, [&](int tile, int x, int y) {
    const float v = tensor[size_t(tile) * plane + size_t(y) * size_t(size) + size_t(x)];
    const uint8_t grey = to_byte(std::isfinite(v) && scale > 0.0f ? (v - lo) * scale - 1.0f : 0.0f);
    return Rgb{grey, grey, grey};
  });
}

void write_channel_grid(const std::filesystem::path& png, std::span<const float> tensor,
                        int channels, int size, int columns, int padding) {
  write_png(png, channel_grid(tensor, channels, size, columns, padding));
}

}  // namespace aegan::report
