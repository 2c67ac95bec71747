#pragma once
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace aegan::data {

// Limits on a source image, checked from its header before decoding so that a bogus or enormous
// header costs nothing: at most 32768 px per side and 2^28 pixels (1 GiB as RGBA).
inline constexpr int64_t kMaxImageSide = 32768;
inline constexpr int64_t kMaxImagePixels = int64_t{1} << 28;

struct ImageOptions {
  int resolution = 64;                  // every image becomes resolution x resolution
  bool center_crop = false;             // crop the centred square first (else squash to square)
  std::array<uint8_t, 3> background{};  // RGB under transparent pixels; black by default
};

// Files under `folder` (recursively) whose extension is png, jpg, jpeg, bmp or tga (any case),
// sorted by path so that every run sees them in the same order. Throws aegan::Error when `folder`
// is missing or not a directory.
std::vector<std::filesystem::path> scan_image_files(const std::filesystem::path& folder);

// Why `file` cannot be used (empty, unknown format, too large), from its header alone; nullopt
// when it looks usable. Decoding can still fail later on a damaged body.
std::optional<std::string> check_image_header(const std::filesystem::path& file);

// Decodes `file` and produces resolution x resolution x 3 bytes (row-major RGB): alpha composited
// onto the background, optionally centre-cropped, then used as it is when already that size, else
// resized on the stored values, area-averaged along an axis that shrinks and Catmull-Rom along
// one that grows. Throws aegan::Error naming the file on failure.
std::vector<uint8_t> load_image_rgb(const std::filesystem::path& file, const ImageOptions& options);

// RGB bytes (HWC) to planar float CHW in [-1, 1] as x / 127.5 - 1; `out` holds 3 * pixels floats.
void rgb_to_chw(const uint8_t* rgb, int64_t pixels, float* out);

}  // namespace aegan::data
