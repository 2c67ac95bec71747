#include "nets/report/text.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <stb/stb_easy_font.h>

namespace aegan::report {

namespace {

// stb_easy_font indexes its glyph table with (c - 32) unchecked, so anything else must not reach
// it.
std::string printable(std::string_view text) {
  std::string line(text);
  for (char& c : line) {
    if (c < 32 || c > 126) c = '?';
  }
  return line;
}

// The layout of stb_easy_font's vertex buffer: x, y, z as floats, then RGBA bytes, four per quad.
struct FontVertex {
  float x, y, z;
  unsigned char rgba[4];
};
static_assert(sizeof(FontVertex) == 16);

}  // namespace

void draw_text(Canvas& canvas, int x, int y, std::string_view text, Rgb color, int scale) {
  std::string line = printable(text);
  // The header suggests ~270 bytes per character; 600 leaves room for the busiest glyphs.
  std::vector<FontVertex> quads(std::max<size_t>(line.size(), 1) * 600 / sizeof(FontVertex));
  const int count = stb_easy_font_print(0.0f, 0.0f, line.data(), nullptr, quads.data(),
                                        int(quads.size() * sizeof(FontVertex)));
  // Every quad is an axis-aligned segment of whole font units: corners 0 and 2 are opposite.
  for (int q = 0; q < count; ++q) {
    const FontVertex& a = quads[size_t(q) * 4];
    const FontVertex& b = quads[size_t(q) * 4 + 2];
    const int left = x + int(std::lround(std::min(a.x, b.x) * float(scale)));
    const int top = y + int(std::lround(std::min(a.y, b.y) * float(scale)));
    const int right = x + int(std::lround(std::max(a.x, b.x) * float(scale)));
    const int bottom = y + int(std::lround(std::max(a.y, b.y) * float(scale)));
    canvas.fill_rect({left, top, right - left, bottom - top}, color);
  }
}

int text_width(std::string_view text, int scale) {
  std::string line = printable(text);
  return stb_easy_font_width(line.data()) * scale;
}

int text_height(int scale) {
  return 7 * scale;
}

}  // namespace aegan::report
