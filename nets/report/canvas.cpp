#include "nets/report/canvas.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/error.hpp"

namespace aegan::report {

namespace {

// Far above any report we draw, far below where width * height * 3 could overflow.
constexpr int64_t kMaxPixels = int64_t{1} << 28;

uint8_t mix(uint8_t from, uint8_t to, float weight) {
  return static_cast<uint8_t>(std::lround(from + (to - from) * weight));
}

}  // namespace

Canvas::Canvas(int width, int height, Rgb background) : width_(width), height_(height) {
  if (width <= 0 || height <= 0 || int64_t{width} * height > kMaxPixels) {
    throw Error("image size " + std::to_string(width) + "x" + std::to_string(height) +
                " is empty or too large");
  }
  pixels_.resize(size_t(width) * size_t(height) * 3);
  fill_rect({0, 0, width, height}, background);
}

size_t Canvas::offset(int x, int y) const {
  return (size_t(y) * size_t(width_) + size_t(x)) * 3;
}

Rgb Canvas::pixel(int x, int y) const {
  if (!inside(x, y))
    throw Error("pixel (" + std::to_string(x) + ", " + std::to_string(y) +
                ") is outside the image");
  const size_t i = offset(x, y);
  return {pixels_[i], pixels_[i + 1], pixels_[i + 2]};
}

void Canvas::set(int x, int y, Rgb color) {
  if (!inside(x, y)) return;
  const size_t i = offset(x, y);
  pixels_[i] = color.r;
  pixels_[i + 1] = color.g;
  pixels_[i + 2] = color.b;
}

void Canvas::blend(int x, int y, Rgb color, float coverage) {
  if (!inside(x, y) || !(coverage > 0.0f)) return;
  coverage = std::min(coverage, 1.0f);
  const size_t i = offset(x, y);
  pixels_[i] = mix(pixels_[i], color.r, coverage);
  pixels_[i + 1] = mix(pixels_[i + 1], color.g, coverage);
  pixels_[i + 2] = mix(pixels_[i + 2], color.b, coverage);
}

void Canvas::fill_rect(Rect rect, Rgb color) {
  const int x0 = std::max(rect.x, 0), x1 = std::min(rect.x + rect.width, width_);
  const int y0 = std::max(rect.y, 0), y1 = std::min(rect.y + rect.height, height_);
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x)
      set(x, y, color);
  }
}

void Canvas::draw_line(float x0, float y0, float x1, float y1, Rgb color, float line_width,
                       Rect clip) {
  const float half = 0.5f * line_width;
  // Pixels further than half + 0.5 from the segment get no coverage, so that bounds the scan.
  const float reach = half + 1.0f;
  const int left = std::max({clip.x, 0, int(std::floor(std::min(x0, x1) - reach))});
  const int right =
      std::min({clip.x + clip.width, width_, int(std::ceil(std::max(x0, x1) + reach))});
  const int top = std::max({clip.y, 0, int(std::floor(std::min(y0, y1) - reach))});
  const int bottom =
      std::min({clip.y + clip.height, height_, int(std::ceil(std::max(y0, y1) + reach))});
  const float dx = x1 - x0, dy = y1 - y0;
  const float length2 = dx * dx + dy * dy;
  for (int y = top; y < bottom; ++y) {
    for (int x = left; x < right; ++x) {
      const float px = float(x) + 0.5f - x0, py = float(y) + 0.5f - y0;
      const float t = length2 > 0.0f ? std::clamp((px * dx + py * dy) / length2, 0.0f, 1.0f) : 0.0f;
      const float distance = std::hypot(px - t * dx, py - t * dy);
      blend(x, y, color, half + 0.5f - distance);
    }
  }
}

}  // namespace aegan::report
