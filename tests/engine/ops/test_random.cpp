#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "tests/engine/ops/device_grad.hpp"

namespace aegan {
namespace {

namespace ref = reference;

// The device's float arithmetic against the double formula, relative to 1 + |z|: float rounding
// of the angle (up to pi) times a radius of up to 5.8, and the device's sqrt, sin and cos, a few
// float ulps in all (6.3e-7 at worst measured on lavapipe). A wrong hash, pairing or formula is
// off by O(1).
constexpr double kValueTolerance = 2e-6;

TEST(Random, NormalMatchesTheHostFormula) {
  // One element, an odd count (a lone even element), batch-1 maps, past one grid row, and seeds
  // using the high word.
  const std::vector<std::pair<Shape, uint64_t>> cases{{{1}, 0},
                                                      {{7}, 1},
                                                      {{1, 3, 5, 7}, 0x123456789abcdefull},
                                                      {{2, 13, 9, 11}, ~0ull},
                                                      {{300001}, 42}};
  for (const auto& [shape, seed] : cases) {
    SCOPED_TRACE(to_string(shape) + " seed " + std::to_string(seed));
    const std::vector<float> got = ops::normal(shape, seed).to_host();
    const ref::Tensor want = ref::normal_box_muller(shape, seed);
    ASSERT_EQ(got.size(), want.data.size());
    double worst = 0.0;
    for (size_t i = 0; i < got.size(); ++i) {
      worst = std::max(worst, std::abs(got[i] - want.data[i]) / (1.0 + std::abs(want.data[i])));
    }
    EXPECT_LE(worst, kValueTolerance);
  }
}

TEST(Random, NormalIsRepeatableAndSeedsDiffer) {
  const Shape shape{4, 3, 8, 8};
  const auto first = ops::normal(shape, 5).to_host();
  EXPECT_EQ(first, ops::normal(shape, 5).to_host());
  for (uint64_t other : {uint64_t{6}, uint64_t{5} | (uint64_t{1} << 32)}) {
    const auto second = ops::normal(shape, other).to_host();
    size_t equal = 0;
    for (size_t i = 0; i < first.size(); ++i)
      equal += first[i] == second[i];
    EXPECT_EQ(equal, 0u) << "seed " << other;
  }
}

TEST(Random, NormalHasStandardMomentsAndTails) {
  const auto values = ops::normal({1 << 21}, 2024).to_host();
  const double n = static_cast<double>(values.size());
  double sum = 0.0, sum_sq = 0.0, sum_fourth = 0.0, beyond2 = 0.0, beyond3 = 0.0;
  for (float v : values) {
    const double x = v;
    sum += x;
    sum_sq += x * x;
    sum_fourth += x * x * x * x;
    beyond2 += std::abs(x) > 2.0;
    beyond3 += std::abs(x) > 3.0;
  }
  // Bounds of five standard errors of each estimate: a fair sample fails them with odds of
  // about one in a million, a wrong scale or shape by far more than that.
  const double mean = sum / n, variance = sum_sq / n - mean * mean;
  EXPECT_LE(std::abs(mean), 5.0 / std::sqrt(n));
  EXPECT_LE(std::abs(variance - 1.0), 5.0 * std::sqrt(2.0 / n));
  EXPECT_LE(std::abs(sum_fourth / n - 3.0), 5.0 * std::sqrt(96.0 / n));
  const double p2 = 0.0455003, p3 = 0.0026998;  // P(|Z| > 2), P(|Z| > 3)
  EXPECT_LE(std::abs(beyond2 / n - p2), 5.0 * std::sqrt(p2 * (1 - p2) / n));
  EXPECT_LE(std::abs(beyond3 / n - p3), 5.0 * std::sqrt(p3 * (1 - p3) / n));
  // The smallest radius uniform, 2^-24, bounds every value by sqrt(48 ln 2).
  for (float v : values)
    ASSERT_LE(std::abs(v), std::sqrt(48.0 * std::log(2.0)) + 1e-5);
}

TEST(Random, NormalRejectsEmptyShapes) {
  EXPECT_THROW(ops::normal({}, 1), Error);
  EXPECT_THROW(ops::normal({3, 0}, 1), Error);
  EXPECT_THROW(ops::normal({-2}, 1), Error);
}

}  // namespace
}  // namespace aegan
