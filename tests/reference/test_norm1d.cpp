#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "tests/reference/reference.hpp"
#include "tests/reference/test_util.hpp"

namespace aegan::reference {
namespace {

using testing::expect_gradient;

class ReferenceBatchNorm1dGrad : public ::testing::TestWithParam<std::vector<int64_t>> {};

std::string shape_name(const ::testing::TestParamInfo<std::vector<int64_t>>& info) {
  return "n" + std::to_string(info.param[0]) + "_c" + std::to_string(info.param[1]);
}

// At batch 2 the normalised values are +-1 whatever x is, up to eps: the input gradient is of the
// order of eps, so those cases take a large one for it to stand out of the differences' error.
double eps_for(const std::vector<int64_t>& shape) {
  return shape[0] == 2 ? 0.5 : 1e-5;
}

TEST_P(ReferenceBatchNorm1dGrad, TrainMatchesFiniteDifferences) {
  const std::vector<int64_t> shape = GetParam();
  const double eps = eps_for(shape);
  const Tensor x = random_tensor(shape, 91, -2.0, 3.0);
  const Tensor gamma = random_tensor({shape[1]}, 92, 0.5, 1.5);
  const Tensor beta = random_tensor({shape[1]}, 93);
  const Tensor r = random_tensor(shape, 94);
  const BatchNormGrads g = batch_norm1d_train_backward(x, gamma, r, eps);

  expect_gradient(
      g.x, [&](const Tensor& t) { return dot(batch_norm1d_train(t, gamma, beta, eps).y, r); }, x,
      "grad x");
  expect_gradient(
      g.gamma, [&](const Tensor& t) { return dot(batch_norm1d_train(x, t, beta, eps).y, r); },
      gamma, "grad gamma");
  expect_gradient(
      g.beta, [&](const Tensor& t) { return dot(batch_norm1d_train(x, gamma, t, eps).y, r); }, beta,
      "grad beta");
}

TEST_P(ReferenceBatchNorm1dGrad, EvalMatchesFiniteDifferences) {
  const std::vector<int64_t> shape = GetParam();
  const Tensor x = random_tensor(shape, 95, -2.0, 3.0);
  const Tensor gamma = random_tensor({shape[1]}, 96, 0.5, 1.5);
  const Tensor beta = random_tensor({shape[1]}, 97);
  const Tensor mean = random_tensor({shape[1]}, 98);
  const Tensor var = random_tensor({shape[1]}, 99, 0.2, 2.0);
  const Tensor r = random_tensor(shape, 100);
  const BatchNormGrads g = batch_norm1d_eval_backward(x, gamma, mean, var, r);

  auto loss = [&](const Tensor& x_, const Tensor& gamma_, const Tensor& beta_) {
    return dot(batch_norm1d_eval(x_, gamma_, beta_, mean, var), r);
  };
  expect_gradient(
      g.x, [&](const Tensor& t) { return loss(t, gamma, beta); }, x, "grad x");
  expect_gradient(
      g.gamma, [&](const Tensor& t) { return loss(x, t, beta); }, gamma, "grad gamma");
  expect_gradient(
      g.beta, [&](const Tensor& t) { return loss(x, gamma, t); }, beta, "grad beta");
}

INSTANTIATE_TEST_SUITE_P(Shapes, ReferenceBatchNorm1dGrad,
                         ::testing::Values(std::vector<int64_t>{2, 1}, std::vector<int64_t>{2, 3},
                                           std::vector<int64_t>{3, 1}, std::vector<int64_t>{5, 7}),
                         shape_name);

TEST(ReferenceBatchNorm1d, TrainByHand) {
  // Feature 0 holds {1, 3} (mean 2, biased variance 1), feature 1 holds {4, 4} (variance 0).
  const Tensor x({2, 2}, {1, 4, 3, 4});
  const BatchNormForward f =
      batch_norm1d_train(x, Tensor({2}, {3.0, 1.0}), Tensor({2}, {0.5, -1.0}), 1e-300);
  ASSERT_EQ(f.y.shape, (std::vector<int64_t>{2, 2}));
  EXPECT_NEAR(f.y.data[0], -2.5, 1e-12);
  EXPECT_NEAR(f.y.data[2], 3.5, 1e-12);
  EXPECT_DOUBLE_EQ(f.y.data[1], -1.0);
  EXPECT_DOUBLE_EQ(f.y.data[3], -1.0);
  EXPECT_DOUBLE_EQ(f.mean.data[1], 4.0);
  EXPECT_DOUBLE_EQ(f.var_biased.data[0], 1.0);
}

TEST(ReferenceBatchNorm1d, RejectsOtherRanks) {
  const Tensor c({3}, 1.0);
  EXPECT_THROW(batch_norm1d_train(Tensor({2, 3, 1, 1}), c, c), std::invalid_argument);
  EXPECT_THROW(batch_norm1d_eval(Tensor({6}), c, c, c, c), std::invalid_argument);
  EXPECT_THROW(batch_norm1d_train_backward(Tensor({2, 3}), c, Tensor({2, 3, 1})),
               std::invalid_argument);
}

}  // namespace
}  // namespace aegan::reference
