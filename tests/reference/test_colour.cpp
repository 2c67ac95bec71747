#include <gtest/gtest.h>

#include <vector>

#include "tests/reference/reference.hpp"
#include "tests/reference/test_util.hpp"

namespace aegan::reference {
namespace {

using testing::expect_gradient;

// Batch 1, a single pixel, odd planes, and a row or a column of pixels.
const std::vector<std::vector<int64_t>> kShapes{
    {1, 3, 1, 1}, {1, 3, 2, 3}, {2, 3, 3, 5}, {3, 3, 1, 4}, {2, 3, 5, 1}};

TEST(ReferenceColour, MeanBackwardMatchesFiniteDifferences) {
  uint64_t seed = 300;
  for (const auto& shape : kShapes) {
    const Tensor x = random_tensor(shape, ++seed, -1.0, 2.0);
    const Tensor r = random_tensor({shape[0], 3}, ++seed);
    expect_gradient(
        colour_mean_backward(shape, r), [&](const Tensor& t) { return dot(colour_mean(t), r); }, x,
        "colour_mean");
  }
}

TEST(ReferenceColour, CovarianceBackwardMatchesFiniteDifferences) {
  uint64_t seed = 400;
  for (const auto& shape : kShapes) {
    const Tensor x = random_tensor(shape, ++seed, -1.0, 2.0);
    // Not symmetric: the gradient must take both halves of G.
    const Tensor r = random_tensor({shape[0], 3, 3}, ++seed);
    expect_gradient(
        colour_covariance_backward(x, r),
        [&](const Tensor& t) { return dot(colour_covariance(t), r); }, x, "colour_covariance");
  }
}

// Pixels (t, 2t + 1, -t): mean (m, 2m + 1, -m) and covariance var(t) * v v^T with v = (1, 2, -1).
TEST(ReferenceColour, StatisticsOfPixelsOnALine) {
  const std::vector<double> t{0.5, -1.0, 2.0, 0.25, 3.0, -0.75};
  Tensor x({1, 3, 2, 3});
  double m = 0.0;
  for (double value : t)
    m += value / 6.0;
  double variance = 0.0;
  for (double value : t)
    variance += (value - m) * (value - m) / 6.0;
  for (int64_t p = 0; p < 6; ++p) {
    x.at(0, 0, p / 3, p % 3) = t[p];
    x.at(0, 1, p / 3, p % 3) = 2.0 * t[p] + 1.0;
    x.at(0, 2, p / 3, p % 3) = -t[p];
  }
  const Tensor mean = colour_mean(x), covariance = colour_covariance(x);
  EXPECT_NEAR(mean.data[0], m, 1e-12);
  EXPECT_NEAR(mean.data[1], 2.0 * m + 1.0, 1e-12);
  EXPECT_NEAR(mean.data[2], -m, 1e-12);
  const double v[3] = {1.0, 2.0, -1.0};
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b)
      EXPECT_NEAR(covariance.data[a * 3 + b], variance * v[a] * v[b], 1e-12);
}

TEST(ReferenceColour, RejectsOtherChannelCounts) {
  EXPECT_THROW(colour_mean(Tensor({1, 4, 2, 2})), std::invalid_argument);
  EXPECT_THROW(colour_covariance(Tensor({3, 2, 2})), std::invalid_argument);
}

}  // namespace
}  // namespace aegan::reference
