#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "nets/data/image.hpp"
#include "nets/data/image_set.hpp"
#include "tests/nets/data/image_files.hpp"

namespace aegan::data {
namespace {

using test::constant_pixels;
using test::TempDir;

ImageOptions at_resolution(int r) {
  ImageOptions options;
  options.resolution = r;
  return options;
}

// Every pixel of an r x r RGB result equals `rgb` within `tolerance`.
void expect_constant(const std::vector<uint8_t>& image, std::vector<int> rgb, int tolerance = 0) {
  for (size_t i = 0; i < image.size(); ++i)
    ASSERT_LE(std::abs(int{image[i]} - rgb[i % 3]), tolerance) << "byte " << i;
}

TEST(ImageData, ConstantColourSurvivesDownAndUpsampling) {
  TempDir dir;
  test::write_png(dir.path() / "a.png", 37, 23, 3, constant_pixels(37, 23, {200, 100, 50}));
  expect_constant(load_image_rgb(dir.path() / "a.png", at_resolution(16)), {200, 100, 50});
  expect_constant(load_image_rgb(dir.path() / "a.png", at_resolution(64)), {200, 100, 50});
}

// Bytes from a fixed-seed linear congruential generator: every value 0..255 appears, so a filter
// that changes any pixel shows.
std::vector<uint8_t> noise_pixels(int width, int height, int channels, uint32_t seed) {
  std::vector<uint8_t> out(static_cast<size_t>(width * height * channels));
  for (auto& value : out) {
    seed = seed * 1664525u + 1013904223u;
    value = static_cast<uint8_t>(seed >> 24);
  }
  return out;
}

TEST(ImageData, ImageAtTheResolutionLoadsExactly) {
  TempDir dir;
  for (const int r : {64, 37}) {
    const auto pixels = noise_pixels(r, r, 3, static_cast<uint32_t>(r));
    const auto file = dir.path() / ("noise" + std::to_string(r) + ".png");
    test::write_png(file, r, r, 3, pixels);
    EXPECT_EQ(load_image_rgb(file, at_resolution(r)), pixels) << r << "x" << r;
  }
  // The centred square of a wider image, when it is the resolution, is cut out unchanged too.
  const auto wide = noise_pixels(20, 16, 3, 5);
  test::write_png(dir.path() / "wide.png", 20, 16, 3, wide);
  ImageOptions crop = at_resolution(16);
  crop.center_crop = true;
  const auto square = load_image_rgb(dir.path() / "wide.png", crop);
  for (int y = 0; y < 16; ++y)
    for (int x = 0; x < 16 * 3; ++x)
      ASSERT_EQ(square[static_cast<size_t>(y * 48 + x)], wide[static_cast<size_t>(y * 60 + 6 + x)])
          << "row " << y << " byte " << x;
}

TEST(ImageData, ShrinkingAveragesTheCoveredPixels) {
  TempDir dir;
  // A checkerboard of 2x2 cells of black and white becomes its mean, 127.5, rounded either way.
  std::vector<uint8_t> board;
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x)
      board.insert(board.end(), 3, ((x + y) % 2) ? uint8_t{255} : uint8_t{0});
  test::write_png(dir.path() / "board.png", 8, 8, 3, board);
  for (const uint8_t value : load_image_rgb(dir.path() / "board.png", at_resolution(4)))
    ASSERT_TRUE(value == 127 || value == 128) << int{value};

  // Halving noise gives each 2x2 block's mean: no ringing from a cubic filter, no gamma weighting.
  const auto noise = noise_pixels(16, 16, 3, 11);
  test::write_png(dir.path() / "noise.png", 16, 16, 3, noise);
  const auto half = load_image_rgb(dir.path() / "noise.png", at_resolution(8));
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x)
      for (int c = 0; c < 3; ++c) {
        double sum = 0;
        for (int dy = 0; dy < 2; ++dy)
          for (int dx = 0; dx < 2; ++dx)
            sum += noise[static_cast<size_t>(((2 * y + dy) * 16 + 2 * x + dx) * 3 + c)];
        ASSERT_LE(std::abs(half[static_cast<size_t>((y * 8 + x) * 3 + c)] - sum / 4), 0.5 + 1e-9)
            << "pixel " << x << "," << y << " channel " << c;
      }
}

TEST(ImageData, OneByOneImage) {
  TempDir dir;
  test::write_png(dir.path() / "dot.png", 1, 1, 3, {9, 250, 128});
  const auto image = load_image_rgb(dir.path() / "dot.png", at_resolution(8));
  ASSERT_EQ(image.size(), 8u * 8 * 3);
  expect_constant(image, {9, 250, 128});
}

TEST(ImageData, FloatOutputIsChwInMinusOneToOne) {
  TempDir dir;
  test::write_png(dir.path() / "a.png", 5, 5, 3, constant_pixels(5, 5, {0, 255, 51}));
  const ImageSet set = ImageSet::open(dir.path(), at_resolution(4));
  std::vector<float> out(3 * 16);
  ASSERT_TRUE(set.load(0, out.data()));
  for (int i = 0; i < 16; ++i) {
    EXPECT_EQ(out[static_cast<size_t>(i)], -1.0f);
    EXPECT_EQ(out[static_cast<size_t>(16 + i)], 1.0f);
    EXPECT_FLOAT_EQ(out[static_cast<size_t>(32 + i)], 51.0f / 127.5f - 1.0f);
  }
}

TEST(ImageData, AlphaIsCompositedOnTheBackground) {
  TempDir dir;
  test::write_png(dir.path() / "half.png", 6, 6, 4, constant_pixels(6, 6, {255, 0, 0, 128}));
  test::write_png(dir.path() / "clear.png", 6, 6, 4, constant_pixels(6, 6, {255, 255, 255, 0}));
  expect_constant(load_image_rgb(dir.path() / "clear.png", at_resolution(4)), {0, 0, 0});
  ImageOptions blue = at_resolution(4);
  blue.background = {0, 0, 255};
  expect_constant(load_image_rgb(dir.path() / "clear.png", blue), {0, 0, 255});
  // 255 * 128/255 red over 255 * 127/255 blue.
  expect_constant(load_image_rgb(dir.path() / "half.png", blue), {128, 0, 127});
}

TEST(ImageData, GreyAndGreyAlphaBecomeRgb) {
  TempDir dir;
  test::write_png(dir.path() / "grey.png", 7, 3, 1, constant_pixels(7, 3, {77}));
  test::write_png(dir.path() / "grey_alpha.png", 7, 3, 2, constant_pixels(7, 3, {200, 0}));
  expect_constant(load_image_rgb(dir.path() / "grey.png", at_resolution(4)), {77, 77, 77});
  expect_constant(load_image_rgb(dir.path() / "grey_alpha.png", at_resolution(4)), {0, 0, 0});
}

TEST(ImageData, PaletteBmp) {
  TempDir dir;
  // Top half palette entry 1, bottom half entry 0.
  std::vector<uint8_t> indices(16 * 16, 0);
  for (size_t i = 0; i < 16 * 8; ++i)
    indices[i] = 1;
  test::write_palette_bmp(dir.path() / "pal.bmp", 16, 16, indices, {{10, 20, 30}, {240, 130, 5}});
  const auto image = load_image_rgb(dir.path() / "pal.bmp", at_resolution(8));
  for (int c = 0; c < 3; ++c) {
    EXPECT_EQ(image[static_cast<size_t>(c)],
              (std::vector<int>{240, 130, 5}[static_cast<size_t>(c)]));
    EXPECT_EQ(image[static_cast<size_t>(63 * 3 + c)],
              (std::vector<int>{10, 20, 30}[static_cast<size_t>(c)]));
  }
}

TEST(ImageData, JpegTgaAndBmp) {
  TempDir dir;
  const auto pixels = constant_pixels(20, 12, {30, 160, 220});
  stbi_write_jpg((dir.path() / "a.jpg").c_str(), 20, 12, 3, pixels.data(), 95);
  stbi_write_tga((dir.path() / "b.tga").c_str(), 20, 12, 3, pixels.data());
  stbi_write_bmp((dir.path() / "c.bmp").c_str(), 20, 12, 3, pixels.data());
  expect_constant(load_image_rgb(dir.path() / "a.jpg", at_resolution(8)), {30, 160, 220}, 3);
  expect_constant(load_image_rgb(dir.path() / "b.tga", at_resolution(8)), {30, 160, 220});
  expect_constant(load_image_rgb(dir.path() / "c.bmp", at_resolution(8)), {30, 160, 220});
}

TEST(ImageData, CentreCropKeepsTheMiddleSquare) {
  TempDir dir;
  // 30 x 10: red, green and blue thirds from left to right.
  std::vector<uint8_t> pixels;
  for (int y = 0; y < 10; ++y)
    for (int x = 0; x < 30; ++x)
      pixels.insert(pixels.end(), {uint8_t(x < 10 ? 255 : 0), uint8_t(x >= 10 && x < 20 ? 255 : 0),
                                   uint8_t(x >= 20 ? 255 : 0)});
  test::write_png(dir.path() / "wide.png", 30, 10, 3, pixels);
  ImageOptions crop = at_resolution(4);
  crop.center_crop = true;
  expect_constant(load_image_rgb(dir.path() / "wide.png", crop), {0, 255, 0});
  // Without cropping the thirds are squashed side by side: red on the left, blue on the right.
  const auto squashed = load_image_rgb(dir.path() / "wide.png", at_resolution(6));
  EXPECT_EQ(squashed[0], 255);
  EXPECT_EQ(squashed[2], 0);
  EXPECT_EQ(squashed[5 * 3 + 0], 0);
  EXPECT_EQ(squashed[5 * 3 + 2], 255);
}

TEST(ImageData, ScanIsRecursiveCaseInsensitiveAndSorted) {
  TempDir dir;
  const auto pixel = constant_pixels(1, 1, {1, 2, 3});
  for (const char* name :
       {"b.PNG", "a/z.JpEg", "a/y.jpg", "c.Bmp", "d.tga", "e.txt", "f.gif", "png"})
    test::write_png(dir.path() / name, 1, 1, 3, pixel);
  const auto files = scan_image_files(dir.path());
  std::vector<std::string> names;
  for (const auto& file : files)
    names.push_back(file.lexically_relative(dir.path()).string());
  EXPECT_EQ(names, (std::vector<std::string>{"a/y.jpg", "a/z.JpEg", "b.PNG", "c.Bmp", "d.tga"}));
}

}  // namespace
}  // namespace aegan::data
