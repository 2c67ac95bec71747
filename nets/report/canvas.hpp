#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace aegan::report {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb&) const = default;
};

struct Rect {
  int x = 0, y = 0, width = 0, height = 0;
};

// An 8-bit RGB raster, rows top to bottom: what reports draw into before it becomes a PNG (or,
// later, a texture in the viewer). Drawing calls clip silently, so callers can place things
// loosely.
class Canvas {
 public:
  Canvas(int width, int height, Rgb background);

  int width() const { return width_; }
  int height() const { return height_; }
  std::span<const uint8_t> bytes() const { return pixels_; }
  Rgb pixel(int x, int y) const;

  void set(int x, int y, Rgb color);
  // Mixes color into the pixel with weight coverage in [0, 1] (anti-aliased edges).
  void blend(int x, int y, Rgb color, float coverage);
  void fill_rect(Rect rect, Rgb color);
  // A line of the given width in pixel coordinates (pixel centres at +0.5), anti-aliased by the
  // distance of each pixel centre to the segment, drawn only inside clip.
  void draw_line(float x0, float y0, float x1, float y1, Rgb color, float line_width, Rect clip);

 private:
  size_t offset(int x, int y) const;
  bool inside(int x, int y) const { return x >= 0 && y >= 0 && x < width_ && y < height_; }

  int width_;
  int height_;
  std::vector<uint8_t> pixels_;
};

}  // namespace aegan::report
