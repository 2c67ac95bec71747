#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/error.hpp"
#include "nets/latent_picture.hpp"

namespace aegan {
namespace {

// Pixel (channel c, y, x) of image i of a [N, 3, r, r] picture.
float at(const std::vector<float>& pixels, int r, int i, int c, int y, int x) {
  return pixels[((static_cast<size_t>(i) * 3 + c) * r + y) * r + x];
}

TEST(LatentPicture, DrawsEachValueAsAGreyCellOnBlack) {
  // 10 values on a 4 x 3 grid of 5-pixel cells in 23 x 23: 1 pixel of black border left and top,
  // each cell 4 x 4 grey with a black line right and below.
  const int nz = 10, r = 23, n = 2;
  LatentPicture picture(nz, r);
  EXPECT_EQ(picture.columns(), 4);
  EXPECT_EQ(picture.cell(), 5);
  EXPECT_EQ(picture.origin(), 1);
  std::vector<float> z(n * nz);
  for (size_t k = 0; k < z.size(); ++k)
    z[k] = static_cast<float>(k) * 0.7f - 5.0f;
  const std::vector<float> pixels = picture(Tensor::from_host({n, nz, 1, 1}, z)).to_host();
  ASSERT_EQ(pixels.size(), static_cast<size_t>(n) * 3 * r * r);
  for (int i = 0; i < n; ++i) {
    for (int y = 0; y < r; ++y) {
      for (int x = 0; x < r; ++x) {
        const int row = (y - 1) / 5, column = (x - 1) / 5, k = row * 4 + column;
        const bool inside = y >= 1 && x >= 1 && (y - 1) % 5 < 4 && (x - 1) % 5 < 4 && row < 3 &&
                            column < 4 && k < nz;
        const double want = inside ? std::tanh(z[i * nz + k] / 2.0) : -1.0;
        for (int c = 0; c < 3; ++c) {
          ASSERT_NEAR(at(pixels, r, i, c, y, x), want, 1e-6)
              << "image " << i << " channel " << c << " at " << x << "," << y;
        }
      }
    }
  }
}

TEST(LatentPicture, SmallCellsHaveNoLinesAndTooManyValuesAreRefused) {
  const LatentPicture one_pixel(100, 12);  // 10 x 10 cells of 1 pixel, one pixel of border
  EXPECT_EQ(one_pixel.cell(), 1);
  EXPECT_EQ(one_pixel.origin(), 1);
  LatentPicture picture(4, 6);  // 2 x 2 cells of 3 pixels
  const std::vector<float> pixels =
      picture(Tensor::from_host({1, 4}, std::vector<float>{2.0f, -2.0f, 0.0f, 4.0f})).to_host();
  EXPECT_NEAR(at(pixels, 6, 0, 1, 2, 2), std::tanh(1.0), 1e-6);
  EXPECT_NEAR(at(pixels, 6, 0, 2, 5, 5), std::tanh(2.0), 1e-6);
  EXPECT_NEAR(at(pixels, 6, 0, 0, 3, 0), 0.0, 1e-6);
  EXPECT_THROW(LatentPicture(101, 10), Error);
}

}  // namespace
}  // namespace aegan
