#pragma once
#include <filesystem>

#include "nets/report/canvas.hpp"

namespace aegan::report {

// Writes canvas as an RGB PNG. The file appears complete or not at all: it is written next to its
// destination under a temporary name and then renamed, so a viewer polling the path never reads a
// half-written image.
void write_png(const std::filesystem::path& path, const Canvas& canvas);

}  // namespace aegan::report
