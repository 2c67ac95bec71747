#pragma once
#include <string_view>

#include "nets/report/canvas.hpp"

namespace aegan::report {

// One line of text in stb_easy_font's segment font, each font unit drawn as scale x scale pixels;
// (x, y) is the top-left corner. Characters outside printable ASCII are drawn as '?'.
void draw_text(Canvas& canvas, int x, int y, std::string_view text, Rgb color, int scale = 1);
int text_width(std::string_view text, int scale = 1);
// Height of capitals and digits, for centring labels on a tick.
int text_height(int scale = 1);

}  // namespace aegan::report
