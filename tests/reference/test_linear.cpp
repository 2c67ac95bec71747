#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "tests/reference/reference.hpp"
#include "tests/reference/test_util.hpp"

namespace aegan::reference {
namespace {

using testing::expect_gradient;

struct LinearCase {
  int64_t batch, in, out;
  bool bias;
};

class ReferenceLinearGrad : public ::testing::TestWithParam<LinearCase> {};

std::string linear_case_name(const ::testing::TestParamInfo<LinearCase>& info) {
  const LinearCase& c = info.param;
  return "n" + std::to_string(c.batch) + "_in" + std::to_string(c.in) + "_out" +
         std::to_string(c.out) + (c.bias ? "_bias" : "_nobias");
}

TEST_P(ReferenceLinearGrad, MatchesFiniteDifferences) {
  const LinearCase c = GetParam();
  const Tensor x = random_tensor({c.batch, c.in}, 81);
  const Tensor weight = random_tensor({c.out, c.in}, 82);
  const Tensor bias = c.bias ? random_tensor({c.out}, 83) : Tensor();
  const Tensor r = random_tensor({c.batch, c.out}, 84);
  const LinearGrads g = linear_backward(x, weight, c.bias, r);

  expect_gradient(
      g.x, [&](const Tensor& t) { return dot(linear(t, weight, bias), r); }, x, "grad x");
  expect_gradient(
      g.weight, [&](const Tensor& t) { return dot(linear(x, t, bias), r); }, weight, "grad weight");
  if (c.bias) {
    expect_gradient(
        g.bias, [&](const Tensor& t) { return dot(linear(x, weight, t), r); }, bias, "grad bias");
  } else {
    EXPECT_TRUE(g.bias.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, ReferenceLinearGrad,
                         ::testing::Values(LinearCase{1, 1, 1, true}, LinearCase{1, 7, 3, false},
                                           LinearCase{3, 5, 11, true}, LinearCase{4, 13, 1, true}),
                         linear_case_name);

TEST(ReferenceLinear, ByHand) {
  // x = [1, 2], W = [[1, 0], [3, -1], [0.5, 0.5]], b = [0, 1, -2]: y = [1, 2, -0.5].
  const Tensor x({1, 2}, {1, 2});
  const Tensor weight({3, 2}, {1, 0, 3, -1, 0.5, 0.5});
  const Tensor y = linear(x, weight, Tensor({3}, {0, 1, -2}));
  ASSERT_EQ(y.shape, (std::vector<int64_t>{1, 3}));
  EXPECT_DOUBLE_EQ(y.data[0], 1.0);
  EXPECT_DOUBLE_EQ(y.data[1], 2.0);
  EXPECT_DOUBLE_EQ(y.data[2], -0.5);
}

TEST(ReferenceLinear, RejectsMismatchedShapes) {
  EXPECT_THROW(linear(Tensor({2, 3}), Tensor({4, 2}), Tensor()), std::invalid_argument);
  EXPECT_THROW(linear(Tensor({2, 3, 1, 1}), Tensor({4, 3}), Tensor()), std::invalid_argument);
  EXPECT_THROW(linear(Tensor({2, 3}), Tensor({4, 3}), Tensor({3})), std::invalid_argument);
}

}  // namespace
}  // namespace aegan::reference
