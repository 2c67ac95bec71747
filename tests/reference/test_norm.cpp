#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/reference/reference.hpp"
#include "tests/reference/test_util.hpp"

namespace aegan::reference {
namespace {

using testing::expect_gradient;

class ReferenceBatchNormGrad : public ::testing::TestWithParam<std::vector<int64_t>> {};

std::string bn_case_name(const ::testing::TestParamInfo<std::vector<int64_t>>& info) {
  const auto& s = info.param;
  return "n" + std::to_string(s[0]) + "_c" + std::to_string(s[1]) + "_" + std::to_string(s[2]) +
         "x" + std::to_string(s[3]);
}

// Gamma away from 1 and beta away from 0 so a swapped or dropped parameter shows up.
Tensor test_gamma(int64_t c) {
  return random_tensor({c}, 61, 0.5, 1.5);
}
Tensor test_beta(int64_t c) {
  return random_tensor({c}, 62);
}

TEST_P(ReferenceBatchNormGrad, TrainMatchesFiniteDifferences) {
  const std::vector<int64_t> shape = GetParam();
  const Tensor x = random_tensor(shape, 63, -2.0, 3.0);
  const Tensor gamma = test_gamma(shape[1]);
  const Tensor beta = test_beta(shape[1]);
  const Tensor r = random_tensor(shape, 64);
  const BatchNormGrads g = batch_norm2d_train_backward(x, gamma, r);

  expect_gradient(
      g.x, [&](const Tensor& t) { return dot(batch_norm2d_train(t, gamma, beta).y, r); }, x,
      "grad x");
  expect_gradient(
      g.gamma, [&](const Tensor& t) { return dot(batch_norm2d_train(x, t, beta).y, r); }, gamma,
      "grad gamma");
  expect_gradient(
      g.beta, [&](const Tensor& t) { return dot(batch_norm2d_train(x, gamma, t).y, r); }, beta,
      "grad beta");
}

TEST_P(ReferenceBatchNormGrad, EvalMatchesFiniteDifferences) {
  const std::vector<int64_t> shape = GetParam();
  const Tensor x = random_tensor(shape, 65, -2.0, 3.0);
  const Tensor gamma = test_gamma(shape[1]);
  const Tensor beta = test_beta(shape[1]);
  const Tensor running_mean = random_tensor({shape[1]}, 66);
  const Tensor running_var = random_tensor({shape[1]}, 67, 0.2, 2.0);
  const Tensor r = random_tensor(shape, 68);
  const BatchNormGrads g = batch_norm2d_eval_backward(x, gamma, running_mean, running_var, r);

  auto loss = [&](const Tensor& x_, const Tensor& gamma_, const Tensor& beta_) {
    return dot(batch_norm2d_eval(x_, gamma_, beta_, running_mean, running_var), r);
  };
  expect_gradient(
      g.x, [&](const Tensor& t) { return loss(t, gamma, beta); }, x, "grad x");
  expect_gradient(
      g.gamma, [&](const Tensor& t) { return loss(x, t, beta); }, gamma, "grad gamma");
  expect_gradient(
      g.beta, [&](const Tensor& t) { return loss(x, gamma, t); }, beta, "grad beta");
}

INSTANTIATE_TEST_SUITE_P(Shapes, ReferenceBatchNormGrad,
                         ::testing::Values(std::vector<int64_t>{2, 3, 5, 7},
                                           std::vector<int64_t>{1, 5, 3, 3},
                                           std::vector<int64_t>{2, 3, 1, 1},  // 2 values/channel
                                           std::vector<int64_t>{1, 3, 2, 3}),
                         bn_case_name);

TEST(ReferenceBatchNorm, TrainByHand) {
  // One channel holding {1, 3}: mean 2, biased variance 1, so xhat = -1, +1.
  const Tensor x({2, 1, 1, 1}, {1, 3});
  const BatchNormForward f = batch_norm2d_train(x, Tensor({1}, {3.0}), Tensor({1}, {0.5}), 0.0);
  EXPECT_DOUBLE_EQ(f.mean.data[0], 2.0);
  EXPECT_DOUBLE_EQ(f.var_biased.data[0], 1.0);
  EXPECT_DOUBLE_EQ(f.y.data[0], -2.5);
  EXPECT_DOUBLE_EQ(f.y.data[1], 3.5);
  // eps is added to the variance inside the square root: 1 / sqrt(1 + 3) = 1/2.
  const BatchNormForward fe = batch_norm2d_train(x, Tensor({1}, {1.0}), Tensor({1}, {0.0}), 3.0);
  EXPECT_DOUBLE_EQ(fe.y.data[0], -0.5);
  EXPECT_DOUBLE_EQ(fe.y.data[1], 0.5);
}

TEST(ReferenceBatchNorm, TrainNormalisesEachChannel) {
  const Tensor x = random_tensor({2, 3, 5, 7}, 71, -1.0, 4.0);
  const Tensor gamma({3}, {0.5, 1.0, 2.0});
  const Tensor beta({3}, {-1.0, 0.0, 1.0});
  const double eps = 1e-5;
  const BatchNormForward f = batch_norm2d_train(x, gamma, beta, eps);
  for (int64_t c = 0; c < 3; ++c) {
    double s = 0.0, s2 = 0.0;
    for (int64_t n = 0; n < 2; ++n) {
      for (int64_t h = 0; h < 5; ++h) {
        for (int64_t w = 0; w < 7; ++w) {
          const double v = f.y.at(n, c, h, w);
          s += v;
          s2 += v * v;
        }
      }
    }
    const double m = s / 70.0;
    const double var = s2 / 70.0 - m * m;
    const double v = f.var_biased.data[c];
    EXPECT_NEAR(m, beta.data[c], 1e-12);
    EXPECT_NEAR(var, gamma.data[c] * gamma.data[c] * v / (v + eps), 1e-12);
  }
}

TEST(ReferenceBatchNorm, RunningStatsUseUnbiasedVariance) {
  const Tensor x({2, 1, 1, 1}, {1, 3});  // mean 2, biased var 1, unbiased var 2
  const BatchNormForward f = batch_norm2d_train(x, Tensor({1}, 1.0), Tensor({1}, 0.0));
  Tensor running_mean({1}, 0.0), running_var({1}, 1.0);
  batch_norm2d_update_running(running_mean, running_var, f, 2);
  EXPECT_DOUBLE_EQ(running_mean.data[0], 0.9 * 0.0 + 0.1 * 2.0);
  EXPECT_DOUBLE_EQ(running_var.data[0], 0.9 * 1.0 + 0.1 * 2.0);
  batch_norm2d_update_running(running_mean, running_var, f, 2, 0.5);
  EXPECT_DOUBLE_EQ(running_mean.data[0], 0.5 * 0.2 + 0.5 * 2.0);
  EXPECT_DOUBLE_EQ(running_var.data[0], 0.5 * 1.1 + 0.5 * 2.0);
  EXPECT_THROW(batch_norm2d_update_running(running_mean, running_var, f, 1), std::invalid_argument);
}

TEST(ReferenceBatchNorm, EvalByHand) {
  // (5 - 1) / sqrt(3 + 1) * 3 + 1 = 7
  const Tensor y = batch_norm2d_eval(Tensor({1, 1, 1, 1}, 5.0), Tensor({1}, 3.0), Tensor({1}, 1.0),
                                     Tensor({1}, 1.0), Tensor({1}, 3.0), 1.0);
  EXPECT_DOUBLE_EQ(y.data[0], 7.0);
}

TEST(ReferenceBatchNorm, RejectsBadShapes) {
  const Tensor x = random_tensor({2, 3, 2, 2}, 1);
  EXPECT_THROW(batch_norm2d_train(x, Tensor({2}, 1.0), Tensor({3}, 0.0)), std::invalid_argument);
  EXPECT_THROW(batch_norm2d_train(Tensor({6}, 1.0), Tensor({3}, 1.0), Tensor({3}, 0.0)),
               std::invalid_argument);
  EXPECT_THROW(batch_norm2d_train_backward(x, Tensor({3}, 1.0), Tensor({2, 3, 2, 1})),
               std::invalid_argument);
}

}  // namespace
}  // namespace aegan::reference
