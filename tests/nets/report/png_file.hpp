#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <stb/stb_image.h>

namespace aegan::report::test {

// A decoded PNG, always as RGB whatever the file stores.
struct Png {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;

  std::array<int, 3> at(int x, int y) const {
    const size_t i = (size_t(y) * size_t(width) + size_t(x)) * 3;
    return {rgb[i], rgb[i + 1], rgb[i + 2]};
  }
};

inline Png read_png(const std::filesystem::path& path) {
  Png png;
  int channels = 0;
  stbi_uc* data = stbi_load(path.c_str(), &png.width, &png.height, &channels, 3);
  if (!data) {
    ADD_FAILURE() << "cannot read " << path;
    return png;
  }
  png.rgb.assign(data, data + size_t(png.width) * size_t(png.height) * 3);
  stbi_image_free(data);
  return png;
}

// A directory of its own per test (and per process, as ctest runs tests in parallel).
class ScratchDir {
 public:
  ScratchDir() {
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("aegan_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" +
             std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace aegan::report::test
