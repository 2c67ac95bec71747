#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/init.hpp"

namespace aegan {
namespace {

std::vector<float> sample_normal(int64_t n, uint64_t seed, float mean = 0.0f, float std = 1.0f) {
  Rng rng(seed);
  Tensor t = Tensor::empty({n});
  normal_(t, mean, std, rng);
  return t.to_host();
}

TEST(Init, RngIsSplitMix64) {
  // Published first outputs of SplitMix64 from seed 0: pins the algorithm, so a seed names the
  // same weights on every platform.
  Rng rng(0);
  EXPECT_EQ(rng.next_u64(), 0xe220a8397b1dcdafull);
  EXPECT_EQ(rng.next_u64(), 0x6e789e6aa1b965f4ull);
  EXPECT_EQ(rng.next_u64(), 0x06c45d188009454full);
}

// The first values from seed 0, computed independently (Python, libm log): pins the
// distributions' algorithms along with the generator.
TEST(Init, FirstValuesFromSeedZeroArePinned) {
  Rng normal(0), uniform(0);
  EXPECT_EQ(normal_values(5, 0.0f, 1.0f, normal),
            (std::vector<float>{0x1.f8140ap-1f, -0x1.682e28p-3f, -0x1.6c93fp-1f, -0x1.3fd742p-2f,
                                -0x1.3ea8bp-1f}));
  EXPECT_EQ(uniform_values(4, -1.0f, 1.0f, uniform),
            (std::vector<float>{0.7666215896606445f, -0.13694405555725098f, -0.9471324682235718f,
                                0.9417638778686523f}));
}

TEST(Init, PortableLogMatchesLibm) {
  Rng rng(1);
  for (int i = 0; i < 100000; ++i) {
    // Mostly (0, 1) as in the polar method, plus a spread of magnitudes.
    const double x = i % 4 == 0 ? std::ldexp(rng.uniform01() + 0.5, i % 2001 - 1000)
                                : rng.uniform01() + 0x1.0p-53;
    const double want = std::log(x);
    ASSERT_LE(std::abs(portable_log(x) - want), 4e-16 * std::max(std::abs(want), 1.0)) << x;
  }
  EXPECT_EQ(portable_log(1.0), 0.0);
}

TEST(Init, SameSeedSameValuesDifferentSeedsDiffer) {
  const auto a = sample_normal(1001, 7), b = sample_normal(1001, 7), c = sample_normal(1001, 8);
  EXPECT_EQ(a, b);
  size_t equal = 0;
  for (size_t i = 0; i < a.size(); ++i)
    equal += a[i] == c[i];
  EXPECT_LT(equal, 3u);

  Rng r1(7), r2(7), r3(8);
  const auto u1 = uniform({33}, -1.0f, 1.0f, r1).to_host();
  EXPECT_EQ(u1, uniform({33}, -1.0f, 1.0f, r2).to_host());
  EXPECT_NE(u1, uniform({33}, -1.0f, 1.0f, r3).to_host());
}

TEST(Init, NormalHasRequestedMeanAndStd) {
  constexpr int64_t n = 100000;
  const float mean = 1.0f, std = 0.02f;
  const auto values = sample_normal(n, 2024, mean, std);
  double sum = 0.0, squares = 0.0;
  int64_t within_one_sigma = 0;
  for (float value : values) {
    sum += value;
    within_one_sigma += std::abs(value - mean) < std;
  }
  const double sample_mean = sum / n;
  for (float value : values)
    squares += (value - sample_mean) * (value - sample_mean);
  const double sample_std = std::sqrt(squares / (n - 1));
  // Five standard errors: std/sqrt(n) for the mean, about std/sqrt(2n) for the deviation.
  EXPECT_NEAR(sample_mean, mean, 5.0 * std / std::sqrt(n));
  EXPECT_NEAR(sample_std, std, 5.0 * std / std::sqrt(2.0 * n));
  // The shape, not just two moments: P(|z| < 1) = 0.6827, standard error 0.0015.
  EXPECT_NEAR(static_cast<double>(within_one_sigma) / n, 0.6827, 0.0075);
}

TEST(Init, UniformStaysInBoundsAndCoversThem) {
  Rng rng(3);
  const auto values = uniform({100000}, -1.0f, 1.0f, rng).to_host();
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  EXPECT_GE(*lo, -1.0f);
  EXPECT_LT(*hi, 1.0f);
  EXPECT_LT(*lo, -0.999f);
  EXPECT_GT(*hi, 0.999f);
  double sum = 0.0;
  for (float value : values)
    sum += value;
  const double n = static_cast<double>(values.size());
  EXPECT_NEAR(sum / n, 0.0, 5.0 * std::sqrt(1.0 / 3.0 / n));

  // Bounds far apart in magnitude, where rounding to float could reach hi.
  Tensor t = Tensor::empty({10000});
  uniform_(t, -1e-3f, 1e8f, rng);
  for (float value : t.to_host()) {
    ASSERT_GE(value, -1e-3f);
    ASSERT_LT(value, 1e8f);
  }
  EXPECT_THROW(uniform_(t, 1.0f, 1.0f, rng), Error);
}

TEST(Init, RngStateRestoreContinuesIdentically) {
  Rng rng(99);
  Tensor t = Tensor::empty({17});
  normal_(t, 0.0f, 1.0f, rng);  // odd count: the spare Box-Muller value must not linger
  const uint64_t saved = rng.state();
  Tensor a = Tensor::empty({9}), b = Tensor::empty({9});
  normal_(a, 0.0f, 1.0f, rng);
  const auto expected_uniform = uniform({5}, 0.0f, 1.0f, rng).to_host();

  Rng resumed(12345);
  resumed.set_state(saved);
  normal_(b, 0.0f, 1.0f, resumed);
  EXPECT_EQ(a.to_host(), b.to_host());
  EXPECT_EQ(uniform({5}, 0.0f, 1.0f, resumed).to_host(), expected_uniform);
  EXPECT_EQ(resumed.state(), rng.state());
}

TEST(Init, FillSetsEveryElement) {
  Tensor t = Tensor::empty({1, 3, 5, 7});
  fill_(t, -2.5f);
  for (float value : t.to_host())
    ASSERT_EQ(value, -2.5f);
}

}  // namespace
}  // namespace aegan
