#pragma once
// Writers for small test images and a temporary folder to put them in.
#include <stb/stb_image_write.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace aegan::test {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "aegan-data-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Pixels with `channels` components per pixel, every pixel equal to `pixel`.
inline std::vector<uint8_t> constant_pixels(int width, int height, std::vector<uint8_t> pixel) {
  std::vector<uint8_t> out;
  for (int i = 0; i < width * height; ++i)
    out.insert(out.end(), pixel.begin(), pixel.end());
  return out;
}

inline void make_parent(const std::filesystem::path& file) {
  std::filesystem::create_directories(file.parent_path());
}

inline void write_png(const std::filesystem::path& file, int width, int height, int channels,
                      const std::vector<uint8_t>& pixels) {
  make_parent(file);
  stbi_write_png(file.c_str(), width, height, channels, pixels.data(), width * channels);
}

inline void write_bytes(const std::filesystem::path& file, const std::vector<uint8_t>& bytes) {
  make_parent(file);
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

inline std::vector<uint8_t> read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void put_le(std::vector<uint8_t>& out, uint32_t value, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

inline void put_be(std::vector<uint8_t>& out, uint32_t value) {
  for (int i = 3; i >= 0; --i)
    out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

// An 8-bit palettized BMP (BITMAPINFOHEADER): `indices` row-major top-down, `palette` as RGB.
inline void write_palette_bmp(const std::filesystem::path& file, int width, int height,
                              const std::vector<uint8_t>& indices,
                              const std::vector<std::vector<uint8_t>>& palette) {
  const uint32_t row = static_cast<uint32_t>((width + 3) / 4 * 4);
  const uint32_t offset = 14 + 40 + 4 * static_cast<uint32_t>(palette.size());
  const uint32_t data_size = row * static_cast<uint32_t>(height);
  std::vector<uint8_t> out{'B', 'M'};
  put_le(out, offset + data_size, 4);
  put_le(out, 0, 4);
  put_le(out, offset, 4);
  put_le(out, 40, 4);
  put_le(out, static_cast<uint32_t>(width), 4);
  put_le(out, static_cast<uint32_t>(height), 4);  // positive height: rows stored bottom-up
  put_le(out, 1, 2);
  put_le(out, 8, 2);
  put_le(out, 0, 4);
  put_le(out, data_size, 4);
  put_le(out, 2835, 4);
  put_le(out, 2835, 4);
  put_le(out, static_cast<uint32_t>(palette.size()), 4);
  put_le(out, 0, 4);
  for (const auto& colour : palette)
    out.insert(out.end(), {colour[2], colour[1], colour[0], 0});
  for (int y = height - 1; y >= 0; --y) {
    for (int x = 0; x < width; ++x)
      out.push_back(indices[static_cast<size_t>(y * width + x)]);
    for (uint32_t pad = static_cast<uint32_t>(width); pad < row; ++pad)
      out.push_back(0);
  }
  write_bytes(file, out);
}

// A PNG signature and IHDR claiming width x height (colour type 0 grey, or 2 RGB) and nothing else:
// what a hostile or damaged header looks like. The CRC is left zero; readers of headers skip it.
inline void write_png_header_only(const std::filesystem::path& file, uint32_t width,
                                  uint32_t height, uint8_t colour_type) {
  std::vector<uint8_t> out{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  put_be(out, 13);
  out.insert(out.end(), {'I', 'H', 'D', 'R'});
  put_be(out, width);
  put_be(out, height);
  out.insert(out.end(), {8, colour_type, 0, 0, 0});
  put_be(out, 0);
  write_bytes(file, out);
}

}  // namespace aegan::test
