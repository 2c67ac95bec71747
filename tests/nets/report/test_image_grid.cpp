#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/error.hpp"
#include "nets/report/image_grid.hpp"
#include "png_file.hpp"

namespace aegan::report {
namespace {

using test::read_png;
using test::ScratchDir;

constexpr std::array<int, 3> kBackground{40, 40, 40};

// Pixel value v of channel c in image n encodes (n, c, y, x) so positions can be checked exactly.
float pattern(int n, int c, int y, int x) {
  return -1.0f + float((n * 37 + c * 71 + y * 13 + x * 5) % 256) / 127.5f;
}

int expected_byte(float v) {
  return int(std::lround((v + 1.0f) * 127.5f));
}

TEST(ReportImageGrid, PlacesTilesWithPaddingAndExactValues) {
  const int count = 5, channels = 3, size = 4, columns = 3, padding = 2;
  std::vector<float> images;
  for (int n = 0; n < count; ++n)
    for (int c = 0; c < channels; ++c)
      for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x)
          images.push_back(pattern(n, c, y, x));
  ScratchDir dir;
  write_image_grid(dir / "grid.png", images, count, channels, size, columns, padding);
  const auto png = read_png(dir / "grid.png");
  ASSERT_EQ(png.width, columns * (size + padding) + padding);  // 20
  ASSERT_EQ(png.height, 2 * (size + padding) + padding);       // 14
  for (int n = 0; n < count; ++n) {
    const int left = padding + (n % columns) * (size + padding);
    const int top = padding + (n / columns) * (size + padding);
    for (int y = 0; y < size; ++y) {
      for (int x = 0; x < size; ++x) {
        const auto rgb = png.at(left + x, top + y);
        for (int c = 0; c < 3; ++c) {
          EXPECT_EQ(rgb[c], expected_byte(pattern(n, c, y, x)))
              << n << " " << c << " " << y << " " << x;
        }
      }
    }
  }
  // Padding, the gap between tiles and the empty sixth slot are background.
  EXPECT_EQ(png.at(0, 0), kBackground);
  EXPECT_EQ(png.at(padding + size, padding), kBackground);
  EXPECT_EQ(png.at(padding + size + 1, padding + size), kBackground);
  EXPECT_EQ(png.at(png.width - 3, png.height - 3), kBackground);
  // Nothing but the PNG is left behind: the temporary file was renamed.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(ReportImageGrid, ClampsOutOfRangeAndNaN) {
  const std::vector<float> image{-3.0f, -1.0f, 0.0f, 1.0f, 7.5f, NAN, 0.5f, -0.5f, 1e-7f};
  const auto rgb = to_rgb8(image, 1, 3);
  const std::vector<int> expected{0, 0, 128, 255, 255, 0, 191, 64, 128};
  ASSERT_EQ(rgb.size(), 27u);
  for (size_t i = 0; i < expected.size(); ++i) {
    for (size_t c = 0; c < 3; ++c)
      EXPECT_EQ(rgb[i * 3 + c], expected[i]) << i;
  }
}

TEST(ReportImageGrid, GrayscaleIsReplicated) {
  const std::vector<float> images{-1.0f, 0.0f, 1.0f, 0.25f, 0.5f, -0.5f, -0.25f, 0.75f};
  ScratchDir dir;
  write_image_grid(dir / "grey.png", images, 2, 1, 2, 2, 1);
  const auto png = read_png(dir / "grey.png");
  ASSERT_EQ(png.width, 7);
  ASSERT_EQ(png.height, 4);
  EXPECT_EQ(png.at(1, 1), (std::array<int, 3>{0, 0, 0}));
  EXPECT_EQ(png.at(2, 1), (std::array<int, 3>{128, 128, 128}));
  EXPECT_EQ(png.at(1, 2), (std::array<int, 3>{255, 255, 255}));
  EXPECT_EQ(png.at(2, 2), (std::array<int, 3>{159, 159, 159}));
  EXPECT_EQ(png.at(4, 1), (std::array<int, 3>{191, 191, 191}));
  EXPECT_EQ(png.at(5, 1), (std::array<int, 3>{64, 64, 64}));
  EXPECT_EQ(png.at(4, 2), (std::array<int, 3>{96, 96, 96}));
  EXPECT_EQ(png.at(5, 2), (std::array<int, 3>{223, 223, 223}));
  EXPECT_EQ(png.at(3, 1), kBackground);
}

TEST(ReportImageGrid, AutomaticColumnsAreSquare) {
  const std::vector<float> images(10 * 3 * 2 * 2, 0.0f);
  const Canvas grid = image_grid(images, 10, 3, 2, 0, 1);
  EXPECT_EQ(grid.width(), 4 * 3 + 1);   // ceil(sqrt(10)) = 4 columns
  EXPECT_EQ(grid.height(), 3 * 3 + 1);  // 3 rows
}

TEST(ReportImageGrid, RejectsBadShapes) {
  const std::vector<float> images(2 * 3 * 4 * 4, 0.0f);
  EXPECT_THROW(image_grid(images, 3, 3, 4, 2), Error);   // too few values
  EXPECT_THROW(image_grid(images, 2, 2, 4, 2), Error);   // 2 channels is not an image
  EXPECT_THROW(image_grid(images, 2, 3, 4, -1), Error);  // negative columns
  EXPECT_THROW(image_grid({}, 0, 3, 4, 2), Error);
  ScratchDir dir;
  EXPECT_THROW(write_image_grid(dir / "missing" / "grid.png", images, 2, 3, 4, 2), Error);
}

TEST(ReportChannelGrid, NormalisesOverTheWholeTensor) {
  // Channel 0 spans [-2, 0], channel 1 spans [0, 6]: one shared stretch from -2 to 6.
  const std::vector<float> tensor{-2.0f, 0.0f, -1.0f, 0.0f, 0.0f, 6.0f, 2.0f, 4.0f};
  const Canvas grid = channel_grid(tensor, 2, 2, 2, 1);
  ASSERT_EQ(grid.width(), 7);
  ASSERT_EQ(grid.height(), 4);
  EXPECT_EQ(grid.pixel(1, 1), (Rgb{0, 0, 0}));
  EXPECT_EQ(grid.pixel(2, 1), (Rgb{64, 64, 64}));
  EXPECT_EQ(grid.pixel(1, 2), (Rgb{32, 32, 32}));
  EXPECT_EQ(grid.pixel(5, 1), (Rgb{255, 255, 255}));
  EXPECT_EQ(grid.pixel(4, 2), (Rgb{128, 128, 128}));
  EXPECT_EQ(grid.pixel(5, 2), (Rgb{191, 191, 191}));
}

TEST(ReportChannelGrid, ConstantTensorIsMidGrey) {
  const std::vector<float> tensor(3 * 2 * 2, 0.25f);
  ScratchDir dir;
  write_channel_grid(dir / "constant.png", tensor, 3, 2);
  const auto png = read_png(dir / "constant.png");
  ASSERT_EQ(png.width, 2 * 4 + 2);  // 2 columns chosen for 3 channels
  EXPECT_EQ(png.at(2, 2), (std::array<int, 3>{128, 128, 128}));
}

}  // namespace
}  // namespace aegan::report
