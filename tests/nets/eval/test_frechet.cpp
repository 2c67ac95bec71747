#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "engine/init.hpp"
#include "nets/eval/frechet.hpp"

namespace aegan::eval {
namespace {

// V diag(values) V^T, row-major.
std::vector<double> compose(const SymmetricEigen& e, int n) {
  std::vector<double> out(static_cast<size_t>(n * n), 0.0);
  for (int r = 0; r < n; ++r) {
    for (int c = 0; c < n; ++c) {
      for (int j = 0; j < n; ++j) {
        out[static_cast<size_t>(r * n + c)] += e.vectors[static_cast<size_t>(r * n + j)] *
                                               e.values[static_cast<size_t>(j)] *
                                               e.vectors[static_cast<size_t>(c * n + j)];
      }
    }
  }
  return out;
}

std::vector<double> random_symmetric(int n, uint64_t seed) {
  Rng rng(seed);
  std::vector<double> m(static_cast<size_t>(n * n));
  for (int r = 0; r < n; ++r) {
    for (int c = 0; c <= r; ++c)
      m[static_cast<size_t>(r * n + c)] = m[static_cast<size_t>(c * n + r)] = rng.uniform01() - 0.5;
  }
  return m;
}

// Rows of `dims` normal values scaled per dimension, plus `shift`.
std::vector<float> features(int64_t count, const std::vector<float>& scale,
                            const std::vector<float>& shift, uint64_t seed) {
  Rng rng(seed);
  const size_t dims = scale.size();
  std::vector<float> out = normal_values(static_cast<size_t>(count) * dims, 0.f, 1.f, rng);
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = out[i] * scale[i % dims] + shift[i % dims];
  return out;
}

TEST(EvalFrechet, EigenOfKnownMatrices) {
  const SymmetricEigen two = symmetric_eigen({2, 1, 1, 2}, 2);
  EXPECT_NEAR(two.values[0], 1, 1e-14);
  EXPECT_NEAR(two.values[1], 3, 1e-14);
  EXPECT_NEAR(std::abs(two.vectors[0 * 2 + 1]), std::sqrt(0.5), 1e-14);
  EXPECT_NEAR(two.vectors[0 * 2 + 1], two.vectors[1 * 2 + 1], 1e-14) << "(1, 1) belongs to 3";

  const SymmetricEigen diagonal = symmetric_eigen({5, 0, 0, 0, -1, 0, 0, 0, 2}, 3);
  EXPECT_EQ(diagonal.values, (std::vector<double>{-1, 2, 5}));

  // Tridiagonal [2 -1; -1 2 -1; ...] of order n has eigenvalues 2 - 2 cos(k pi / (n + 1)).
  const int n = 7;
  std::vector<double> t(n * n, 0.0);
  for (int i = 0; i < n; ++i) {
    t[i * n + i] = 2;
    if (i + 1 < n) t[i * n + i + 1] = t[(i + 1) * n + i] = -1;
  }
  const SymmetricEigen e = symmetric_eigen(t, n);
  for (int k = 1; k <= n; ++k)
    EXPECT_NEAR(e.values[k - 1], 2 - 2 * std::cos(k * std::numbers::pi / (n + 1)), 1e-12) << k;
}

TEST(EvalFrechet, EigenReconstructsRandomMatricesWithOrthonormalVectors) {
  for (const int n : {1, 5, 13, 40}) {
    const std::vector<double> m = random_symmetric(n, static_cast<uint64_t>(n));
    const SymmetricEigen e = symmetric_eigen(m, n);
    const std::vector<double> back = compose(e, n);
    for (size_t i = 0; i < m.size(); ++i)
      ASSERT_NEAR(back[i], m[i], 1e-12) << "n " << n;
    for (int a = 0; a < n; ++a) {
      for (int b = 0; b < n; ++b) {
        double dot = 0;
        for (int r = 0; r < n; ++r)
          dot +=
              e.vectors[static_cast<size_t>(r * n + a)] * e.vectors[static_cast<size_t>(r * n + b)];
        ASSERT_NEAR(dot, a == b ? 1 : 0, 1e-12);
      }
    }
    for (int j = 1; j < n; ++j)
      EXPECT_LE(e.values[static_cast<size_t>(j - 1)], e.values[static_cast<size_t>(j)]);
  }
}

TEST(EvalFrechet, FitsMeanAndUnbiasedCovariance) {
  const Gaussian g = fit_gaussian(std::vector<float>{1, 2, 3, 6}, 2);
  EXPECT_EQ(g.count, 2);
  EXPECT_EQ(g.mean, (std::vector<double>{2, 4}));
  EXPECT_EQ(g.covariance, (std::vector<double>{2, 4, 4, 8}));
}

TEST(EvalFrechet, IdenticalSetsAreZeroAndShiftsAddTheirSquaredLength) {
  const std::vector<float> scale = {1, 2, 0.5f, 3, 1, 1, 0.1f, 4};
  const std::vector<float> zero(scale.size(), 0.f);
  const std::vector<float> x = features(300, scale, zero, 1);
  const Gaussian a = fit_gaussian(x, 8);
  EXPECT_NEAR(frechet_distance(a, a), 0, 1e-9);

  // Shifting every vector leaves the covariance as it is: the distance is |shift|^2.
  std::vector<float> shifted = x;
  const std::vector<float> shift = {1, -2, 0.5f, 0, 0, 3, 0, 1};
  for (size_t i = 0; i < shifted.size(); ++i)
    shifted[i] += shift[i % 8];
  const Gaussian b = fit_gaussian(shifted, 8);
  double expected = 0;
  for (const float s : shift)
    expected += double{s} * s;
  EXPECT_NEAR(frechet_distance(a, b), expected, 1e-3 * expected);
  EXPECT_NEAR(frechet_distance(b, a), expected, 1e-3 * expected);
}

TEST(EvalFrechet, DiagonalCovariancesGiveTheClosedForm) {
  // For diagonal S1, S2: sum (sqrt(s1) - sqrt(s2))^2.
  Gaussian a{3, 10, {0, 0, 0}, {4, 0, 0, 0, 1, 0, 0, 0, 9}};
  Gaussian b{3, 10, {0, 0, 0}, {1, 0, 0, 0, 1, 0, 0, 0, 16}};
  EXPECT_NEAR(frechet_distance(a, b), 1 + 0 + 1, 1e-12);
}

TEST(EvalFrechet, SingularCovariancesStayFiniteAndNearZeroForEqualSets) {
  // Fewer vectors than dimensions, as with a small folder: the covariance is singular.
  const std::vector<float> x =
      features(5, std::vector<float>(64, 1.f), std::vector<float>(64, 0.f), 3);
  const Gaussian a = fit_gaussian(x, 64);
  EXPECT_NEAR(frechet_distance(a, a), 0, 1e-6);
  const Gaussian b =
      fit_gaussian(features(5, std::vector<float>(64, 1.f), std::vector<float>(64, 0.f), 4), 64);
  EXPECT_GT(frechet_distance(a, b), 1.0);
}

}  // namespace
}  // namespace aegan::eval
