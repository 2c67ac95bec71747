#include "nets/data/image.hpp"

#include <stb/stb_image.h>
#include <stb/stb_image_resize.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>

#include "engine/error.hpp"

namespace aegan::data {
namespace fs = std::filesystem;

namespace {

bool has_image_extension(const fs::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp" || ext == ".tga";
}

std::optional<std::string> check_dimensions(int width, int height) {
  if (width <= 0 || height <= 0 || width > kMaxImageSide || height > kMaxImageSide ||
      int64_t{width} * height > kMaxImagePixels)
    return "image too large (" + std::to_string(width) + "x" + std::to_string(height) +
           "; the limit is " + std::to_string(kMaxImageSide) + " px per side and 2^28 pixels)";
  return std::nullopt;
}

std::string stb_reason() {
  const char* reason = stbi_failure_reason();
  return reason ? reason : "unknown error";
}

std::vector<unsigned char> read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(file.string() + ": cannot open file");
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
  if (in.bad()) throw Error(file.string() + ": cannot read file");
  return bytes;
}

}  // namespace

std::vector<fs::path> scan_image_files(const fs::path& folder) {
  std::error_code status_error;
  if (!fs::exists(folder, status_error))
    throw Error("data folder " + folder.string() + " does not exist");
  if (!fs::is_directory(folder, status_error))
    throw Error("data path " + folder.string() + " is not a folder");
  std::vector<fs::path> files;
  std::error_code walk_error;
  for (fs::recursive_directory_iterator
           it(folder, fs::directory_options::skip_permission_denied, walk_error),
       end;
       !walk_error && it != end; it.increment(walk_error)) {
    std::error_code type_error;
    if (it->is_regular_file(type_error) && has_image_extension(it->path()))
      files.push_back(it->path());
  }
  if (walk_error)
    throw Error("cannot list data folder " + folder.string() + ": " + walk_error.message());
  std::sort(files.begin(), files.end());
  return files;
}

std::optional<std::string> check_image_header(const fs::path& file) {
  std::error_code size_error;
  const auto size = fs::file_size(file, size_error);
  if (size_error) return "cannot read file (" + size_error.message() + ")";
  if (size == 0) return std::string("empty file");
  std::unique_ptr<FILE, int (*)(FILE*)> handle(std::fopen(file.c_str(), "rb"), &std::fclose);
  if (!handle) return std::string("cannot open file");
  int width = 0, height = 0, channels = 0;
  if (!stbi_info_from_file(handle.get(), &width, &height, &channels))
    return "not a readable image (" + stb_reason() + ")";
  return check_dimensions(width, height);
}

std::vector<uint8_t> load_image_rgb(const fs::path& file, const ImageOptions& options) {
  const std::vector<unsigned char> bytes = read_file(file);
  if (bytes.empty()) throw Error(file.string() + ": empty file");
  const int length = static_cast<int>(std::min<size_t>(bytes.size(), INT32_MAX));
  int width = 0, height = 0, channels = 0;
  if (!stbi_info_from_memory(bytes.data(), length, &width, &height, &channels))
    throw Error(file.string() + ": not a readable image (" + stb_reason() + ")");
  if (auto problem = check_dimensions(width, height)) throw Error(file.string() + ": " + *problem);

  // Always asking for RGBA lets one path serve grey, palette, RGB and alpha images alike: stb
  // expands palettes and grey and reports opaque alpha where the file has none.
  std::unique_ptr<stbi_uc, void (*)(void*)> rgba(
      stbi_load_from_memory(bytes.data(), length, &width, &height, &channels, 4), &stbi_image_free);
  if (!rgba) throw Error(file.string() + ": cannot decode (" + stb_reason() + ")");

  // Composited in place: RGB pixel i is written at or before where RGBA pixel i is read, so the
  // decoded buffer also holds the RGB image and a large photo needs no second copy.
  const size_t pixels = static_cast<size_t>(width) * static_cast<size_t>(height);
  stbi_uc* const data = rgba.get();
  for (size_t i = 0; i < pixels; ++i) {
    const unsigned alpha = data[i * 4 + 3];
    for (size_t c = 0; c < 3; ++c) {
      const unsigned value = data[i * 4 + c] * alpha + options.background[c] * (255 - alpha);
      data[i * 3 + c] = static_cast<stbi_uc>((value + 127) / 255);
    }
  }

  int crop_x = 0, crop_y = 0, crop_w = width, crop_h = height;
  if (options.center_crop) {
    crop_w = crop_h = std::min(width, height);
    crop_x = (width - crop_w) / 2;
    crop_y = (height - crop_h) / 2;
  }
  const int r = options.resolution;
  const int stride = width * 3;
  std::vector<uint8_t> out(static_cast<size_t>(r) * static_cast<size_t>(r) * 3);
  const uint8_t* origin = data + static_cast<size_t>(crop_y) * static_cast<size_t>(stride) +
                          static_cast<size_t>(crop_x) * 3;
  if (crop_w == r && crop_h == r) {
    // Already the training size: any filter would change pixels (stb's cubic ones ring even at
    // scale 1), so the bytes are used exactly as decoded.
    for (int y = 0; y < r; ++y) {
      std::copy_n(origin + static_cast<size_t>(y) * static_cast<size_t>(stride),
                  static_cast<size_t>(r) * 3, out.data() + static_cast<size_t>(y) * r * 3);
    }
    return out;
  }
  // Shrinking averages the covered area (stb's box filter, exact for integer ratios) so that fine
  // detail does not alias; enlarging interpolates with Catmull-Rom. Both work on the stored
  // (gamma-encoded) values, as PIL and torchvision do, so a 2x2 checkerboard shrinks to its mean.
  const auto filter = [r](int size) {
    return size > r ? STBIR_FILTER_BOX : STBIR_FILTER_CATMULLROM;
  };
  if (!stbir_resize(origin, crop_w, crop_h, stride, out.data(), r, r, r * 3, STBIR_TYPE_UINT8, 3,
                    STBIR_ALPHA_CHANNEL_NONE, 0, STBIR_EDGE_CLAMP, STBIR_EDGE_CLAMP, filter(crop_w),
                    filter(crop_h), STBIR_COLORSPACE_LINEAR, nullptr))
    throw Error(file.string() + ": cannot resize (out of memory)");
  return out;
}

void rgb_to_chw(const uint8_t* rgb, int64_t pixels, float* out) {
  for (int64_t i = 0; i < pixels; ++i)
    for (int64_t c = 0; c < 3; ++c)
      out[c * pixels + i] = static_cast<float>(rgb[i * 3 + c]) / 127.5f - 1.0f;
}

}  // namespace aegan::data
