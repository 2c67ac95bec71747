#include <gtest/gtest.h>

#include <string>

#include "engine/error.hpp"
#include "nets/data/image_set.hpp"
#include "tests/nets/data/image_files.hpp"

namespace aegan::data {
namespace {

using test::constant_pixels;
using test::TempDir;

size_t occurrences(const std::string& text, const std::string& part) {
  size_t count = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
    ++count;
  return count;
}

ImageOptions small() {
  ImageOptions options;
  options.resolution = 4;
  return options;
}

// A folder with one good image and every kind of unusable file. corrupt.png has a valid header
// and a damaged body, so only decoding finds it out.
void write_mixed_folder(const std::filesystem::path& dir) {
  test::write_png(dir / "good.png", 8, 8, 3, constant_pixels(8, 8, {1, 2, 3}));
  test::write_bytes(dir / "zero.png", {});
  test::write_bytes(dir / "notes.jpg", {'h', 'e', 'l', 'l', 'o', '\n'});
  test::write_png_header_only(dir / "wide.png", 40000, 10, 2);
  test::write_png_header_only(dir / "many_pixels.png", 20000, 20000, 0);
  std::vector<uint8_t> noise(64 * 64 * 3);
  for (size_t i = 0; i < noise.size(); ++i)
    noise[i] = static_cast<uint8_t>(i * 131 % 251);
  test::write_png(dir / "corrupt.png", 64, 64, 3, noise);
  auto bytes = test::read_bytes(dir / "corrupt.png");
  for (size_t i = 60; i < bytes.size(); i += 3)
    bytes[i] ^= 0x5A;
  test::write_bytes(dir / "corrupt.png", bytes);
}

TEST(ImageSet, UnusableFilesAreReportedOnceAndSkipped) {
  TempDir dir;
  write_mixed_folder(dir.path());
  testing::internal::CaptureStderr();
  const ImageSet set = ImageSet::open(dir.path(), small());
  std::vector<float> out(3 * 16);
  // Only decoding reveals corrupt.png; asking twice reports it once.
  ASSERT_EQ(set.size(), 2);
  EXPECT_EQ(set.path(0).filename(), "corrupt.png");
  EXPECT_FALSE(set.load(0, out.data()));
  EXPECT_FALSE(set.load(0, out.data()));
  EXPECT_TRUE(set.load(1, out.data()));
  const std::string log = testing::internal::GetCapturedStderr();
  for (const char* name : {"zero.png", "notes.jpg", "wide.png", "many_pixels.png", "corrupt.png"})
    EXPECT_EQ(occurrences(log, name), 1u) << name << " in:\n" << log;
  EXPECT_EQ(occurrences(log, "good.png"), 0u);
  EXPECT_EQ(occurrences(log, "too large"), 2u) << log;
  EXPECT_EQ(occurrences(log, "empty file"), 1u) << log;
}

TEST(ImageSet, CacheLeavesOutFilesThatDoNotDecode) {
  TempDir dir;
  write_mixed_folder(dir.path() / "images");
  testing::internal::CaptureStderr();
  const ImageSet set = ImageSet::open(dir.path() / "images", small(), dir.path() / "set.cache");
  const std::string log = testing::internal::GetCapturedStderr();
  ASSERT_EQ(set.size(), 1);
  EXPECT_EQ(set.path(0).filename(), "good.png");
  for (const char* name : {"zero.png", "notes.jpg", "wide.png", "many_pixels.png", "corrupt.png"})
    EXPECT_EQ(occurrences(log, name), 1u) << name << " in:\n" << log;
}

void expect_one_line_error(const std::filesystem::path& folder, const std::string& part) {
  try {
    testing::internal::CaptureStderr();
    ImageSet::open(folder, small());
    testing::internal::GetCapturedStderr();
    FAIL() << "no error for " << folder;
  } catch (const Error& error) {
    testing::internal::GetCapturedStderr();
    const std::string message = error.what();
    EXPECT_NE(message.find(part), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(ImageSet, FolderWithoutUsableImagesIsAnError) {
  TempDir dir;
  expect_one_line_error(dir.path() / "missing", "does not exist");
  std::filesystem::create_directories(dir.path() / "empty");
  test::write_bytes(dir.path() / "empty" / "readme.txt", {'x'});
  expect_one_line_error(dir.path() / "empty", "no image files");
  test::write_bytes(dir.path() / "bad" / "zero.png", {});
  test::write_bytes(dir.path() / "bad" / "text.jpg", {'x', 'y'});
  expect_one_line_error(dir.path() / "bad", "no usable image");
}

std::vector<float> all_images(const ImageSet& set) {
  const int r = set.options().resolution;
  std::vector<float> out(static_cast<size_t>(set.size() * 3 * r * r));
  for (int64_t i = 0; i < set.size(); ++i)
    EXPECT_TRUE(set.load(i, out.data() + i * 3 * r * r));
  return out;
}

TEST(ImageCache, MatchesDirectDecoding) {
  TempDir dir;
  for (int i = 0; i < 4; ++i) {
    std::vector<uint8_t> pixels;
    for (int p = 0; p < 9 * 13; ++p)
      pixels.insert(pixels.end(),
                    {uint8_t(p * 7 + i), uint8_t(p * 3), uint8_t(255 - p), uint8_t(p * 11)});
    test::write_png(dir.path() / "images" / (std::to_string(i) + ".png"), 9, 13, 4, pixels);
  }
  ImageOptions options = small();
  options.resolution = 6;
  options.center_crop = true;
  options.background = {10, 200, 30};
  testing::internal::CaptureStderr();
  const ImageSet cached = ImageSet::open(dir.path() / "images", options, dir.path() / "c.bin");
  testing::internal::GetCapturedStderr();
  const ImageSet direct = ImageSet::open(dir.path() / "images", options);
  EXPECT_TRUE(cached.from_cache());
  EXPECT_FALSE(direct.from_cache());
  EXPECT_EQ(all_images(cached), all_images(direct));
}

TEST(ImageCache, ReusedWhileValidAndRebuiltWhenStale) {
  TempDir dir;
  const auto images = dir.path() / "images";
  const auto cache = dir.path() / "cache" / "set.bin";
  test::write_png(images / "a.png", 4, 4, 3, constant_pixels(4, 4, {10, 20, 30}));
  test::write_png(images / "b.png", 4, 4, 3, constant_pixels(4, 4, {40, 50, 60}));
  const auto open_logged = [&](const ImageOptions& options, std::string* log) {
    testing::internal::CaptureStderr();
    ImageSet set = ImageSet::open(images, options, cache);
    *log = testing::internal::GetCapturedStderr();
    return set;
  };
  std::string log;
  EXPECT_EQ(open_logged(small(), &log).size(), 2);
  EXPECT_NE(log.find("building dataset cache"), std::string::npos);
  EXPECT_EQ(open_logged(small(), &log).size(), 2);
  EXPECT_EQ(log, "");

  test::write_png(images / "sub" / "c.png", 4, 4, 3, constant_pixels(4, 4, {70, 80, 90}));
  EXPECT_EQ(open_logged(small(), &log).size(), 3);
  EXPECT_NE(log.find("building dataset cache"), std::string::npos);

  // Same names and count, different content and size.
  test::write_png(images / "a.png", 5, 5, 3, constant_pixels(5, 5, {11, 21, 31}));
  ImageSet changed = open_logged(small(), &log);
  EXPECT_NE(log.find("building dataset cache"), std::string::npos);
  std::vector<float> out(3 * 16);
  ASSERT_TRUE(changed.load(0, out.data()));
  EXPECT_FLOAT_EQ(out[0], 11.0f / 127.5f - 1.0f);

  ImageOptions larger = small();
  larger.resolution = 5;
  EXPECT_EQ(open_logged(larger, &log).size(), 3);
  EXPECT_NE(log.find("building dataset cache"), std::string::npos);

  const auto bytes = test::read_bytes(cache);
  test::write_bytes(cache, std::vector<uint8_t>(bytes.begin(), bytes.end() - 7));
  EXPECT_EQ(open_logged(larger, &log).size(), 3);
  EXPECT_NE(log.find("building dataset cache"), std::string::npos);
  EXPECT_EQ(open_logged(larger, &log).size(), 3);
  EXPECT_EQ(log, "");

  // Only the cache itself is left in its folder: the temporary files were renamed into place.
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(cache.parent_path())) {
    EXPECT_EQ(entry.path(), cache);
    ++files;
  }
  EXPECT_EQ(files, 1u);
}

}  // namespace
}  // namespace aegan::data
