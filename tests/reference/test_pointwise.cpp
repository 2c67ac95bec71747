#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "tests/reference/reference.hpp"
#include "tests/reference/test_util.hpp"

namespace aegan::reference {
namespace {

using testing::away_from_zero;
using testing::expect_gradient;

const std::vector<int64_t> kShape{2, 3, 5, 7};

// Range [-3, 3] reaches the flat tails of tanh and sigmoid as well as their middles.
Tensor input(uint64_t seed) {
  return random_tensor(kShape, seed, -3.0, 3.0);
}

// ---- gradients
// -----------------------------------------------------------------------------------

TEST(ReferencePointwiseGrad, Relu) {
  const Tensor x = away_from_zero(input(81));
  const Tensor r = random_tensor(kShape, 82);
  expect_gradient(
      relu_backward(x, r), [&](const Tensor& t) { return dot(relu(t), r); }, x, "relu");
}

TEST(ReferencePointwiseGrad, LeakyRelu) {
  const Tensor x = away_from_zero(input(83));
  const Tensor r = random_tensor(kShape, 84);
  for (double slope : {0.2, 0.01}) {
    expect_gradient(
        leaky_relu_backward(x, r, slope),
        [&](const Tensor& t) { return dot(leaky_relu(t, slope), r); }, x, "leaky_relu");
  }
}

TEST(ReferencePointwiseGrad, Tanh) {
  const Tensor x = input(85);
  const Tensor r = random_tensor(kShape, 86);
  expect_gradient(
      tanh_backward(x, r), [&](const Tensor& t) { return dot(tanh(t), r); }, x, "tanh");
}

TEST(ReferencePointwiseGrad, Sigmoid) {
  const Tensor x = input(87);
  const Tensor r = random_tensor(kShape, 88);
  expect_gradient(
      sigmoid_backward(x, r), [&](const Tensor& t) { return dot(sigmoid(t), r); }, x, "sigmoid");
}

TEST(ReferencePointwiseGrad, Exp) {
  const Tensor x = input(181);
  const Tensor r = random_tensor(kShape, 182);
  expect_gradient(
      exp_backward(x, r), [&](const Tensor& t) { return dot(exp(t), r); }, x, "exp");
}

TEST(ReferencePointwiseGrad, Sqrt) {
  // Kept above 0.1 so that the step of the finite differences stays where sqrt is smooth.
  const Tensor x = random_tensor(kShape, 183, 0.1, 4.0);
  const Tensor r = random_tensor(kShape, 184);
  expect_gradient(
      sqrt_backward(x, r), [&](const Tensor& t) { return dot(sqrt(t), r); }, x, "sqrt");
}

TEST(ReferencePointwiseGrad, Glu) {
  for (const std::vector<int64_t>& shape :
       {std::vector<int64_t>{2, 6, 3, 5}, std::vector<int64_t>{3, 4}}) {
    const Tensor x = random_tensor(shape, 185, -3.0, 3.0);
    std::vector<int64_t> half = shape;
    half[1] /= 2;
    const Tensor r = random_tensor(half, 186);
    expect_gradient(
        glu_backward(x, r), [&](const Tensor& t) { return dot(glu(t), r); }, x, "glu");
  }
}

TEST(ReferencePointwise, GluByHand) {
  // Channels (1, 2 | 0, 3) of one sample: 1 * sigmoid(0), 2 * sigmoid(3).
  const Tensor y = glu(Tensor({1, 4}, {1.0, 2.0, 0.0, 3.0}));
  EXPECT_EQ(y.shape, (std::vector<int64_t>{1, 2}));
  EXPECT_DOUBLE_EQ(y.data[0], 0.5);
  EXPECT_DOUBLE_EQ(y.data[1], 2.0 / (1.0 + std::exp(-3.0)));
  EXPECT_THROW(glu(Tensor({2, 3})), std::invalid_argument);
}

TEST(ReferencePointwiseGrad, Dropout) {
  const Tensor x = input(89);
  const Tensor r = random_tensor(kShape, 90);
  for (double p : {0.5, 0.3}) {
    const Tensor mask = random_mask(kShape, 91, p);
    expect_gradient(
        dropout_backward(mask, r, p), [&](const Tensor& t) { return dot(dropout(t, mask, p), r); },
        x, "dropout");
  }
}

TEST(ReferencePointwiseGrad, AddMulScale) {
  const Tensor a = input(92);
  const Tensor b = input(93);
  const Tensor r = random_tensor(kShape, 94);
  expect_gradient(
      r, [&](const Tensor& t) { return dot(add(t, b), r); }, a, "add a");
  expect_gradient(
      r, [&](const Tensor& t) { return dot(add(a, t), r); }, b, "add b");
  const MulGrads g = mul_backward(a, b, r);
  expect_gradient(
      g.a, [&](const Tensor& t) { return dot(mul(t, b), r); }, a, "mul a");
  expect_gradient(
      g.b, [&](const Tensor& t) { return dot(mul(a, t), r); }, b, "mul b");
  expect_gradient(
      scale(r, -1.5), [&](const Tensor& t) { return dot(scale(t, -1.5), r); }, a, "scale");
}

TEST(ReferenceLossGrad, L1) {
  const Tensor a = input(95);
  // b = a + offset with |offset| >= 0.05 keeps every a - b away from the kink of |.|.
  const Tensor b = add(a, away_from_zero(random_tensor(kShape, 96)));
  for (double grad_out : {1.0, 0.7}) {
    expect_gradient(
        l1_loss_backward(a, b, grad_out), [&](const Tensor& t) { return grad_out * l1_loss(t, b); },
        a, "l1");
  }
}

TEST(ReferenceLossGrad, Mse) {
  const Tensor a = input(195);
  const Tensor b = input(196);
  for (double grad_out : {1.0, 0.7}) {
    expect_gradient(
        mse_loss_backward(a, b, grad_out),
        [&](const Tensor& t) { return grad_out * mse_loss(t, b); }, a, "mse");
  }
}

TEST(ReferenceLoss, MseByHand) {
  // ((1 - 0)^2 + (2 - 4)^2) / 2
  EXPECT_DOUBLE_EQ(mse_loss(Tensor({2}, {1.0, 2.0}), Tensor({2}, {0.0, 4.0})), 2.5);
}

TEST(ReferenceLossGrad, BceWithLogits) {
  const Tensor x = input(97);
  const Tensor hard = random_mask(kShape, 98, 0.5);  // targets 0 and 1
  const Tensor soft = random_tensor(kShape, 99, 0.0, 1.0);
  for (const Tensor* t : {&hard, &soft}) {
    for (double grad_out : {1.0, 1.3}) {
      expect_gradient(
          bce_with_logits_backward(x, *t, grad_out),
          [&](const Tensor& u) { return grad_out * bce_with_logits(u, *t); }, x, "bce");
    }
  }
}

// ---- forward values by hand
// ----------------------------------------------------------------------

TEST(ReferencePointwise, ActivationsByHand) {
  const Tensor x({4}, {-2.0, 0.0, 0.5, 3.0});
  EXPECT_EQ(relu(x).data, (std::vector<double>{0, 0, 0.5, 3}));
  EXPECT_EQ(leaky_relu(x, 0.2).data, (std::vector<double>{-0.4, 0, 0.5, 3}));
  EXPECT_DOUBLE_EQ(tanh(x).data[0], std::tanh(-2.0));
  EXPECT_DOUBLE_EQ(sigmoid(x).data[1], 0.5);
  EXPECT_DOUBLE_EQ(sigmoid(x).data[3], 1.0 / (1.0 + std::exp(-3.0)));
  EXPECT_DOUBLE_EQ(exp(x).data[1], 1.0);
  EXPECT_DOUBLE_EQ(exp(x).data[0], std::exp(-2.0));
  EXPECT_EQ(sqrt(Tensor({3}, {0.0, 0.25, 9.0})).data, (std::vector<double>{0, 0.5, 3}));
  EXPECT_THROW(sqrt(x), std::invalid_argument);
}

TEST(ReferencePointwise, DerivativeAtZeroFollowsPyTorch) {
  const Tensor zero({1}, 0.0), one({1}, 1.0);
  EXPECT_EQ(relu_backward(zero, one).data[0], 0.0);
  EXPECT_EQ(leaky_relu_backward(zero, one, 0.2).data[0], 0.2);
  EXPECT_EQ(l1_loss_backward(zero, zero, 1.0).data[0], 0.0);
}

TEST(ReferencePointwise, SigmoidSaturatesWithoutNaN) {
  const Tensor s = sigmoid(Tensor({2}, {-1000.0, 1000.0}));
  EXPECT_EQ(s.data[0], 0.0);
  EXPECT_EQ(s.data[1], 1.0);
  const Tensor g = sigmoid_backward(Tensor({2}, {-1000.0, 1000.0}), Tensor({2}, 1.0));
  EXPECT_EQ(g.data[0], 0.0);
  EXPECT_EQ(g.data[1], 0.0);
}

TEST(ReferencePointwise, DropoutScalesKeptValues) {
  const Tensor x({3}, {1.0, 2.0, 3.0});
  const Tensor mask({3}, {1.0, 0.0, 1.0});
  EXPECT_EQ(dropout(x, mask, 0.5).data, (std::vector<double>{2, 0, 6}));
  EXPECT_EQ(dropout(x, Tensor({3}, 1.0), 0.0).data, x.data);
  EXPECT_EQ(dropout(x, Tensor({3}, 0.0), 1.0).data, (std::vector<double>{0, 0, 0}));
  EXPECT_THROW(dropout(x, mask, 1.5), std::invalid_argument);
}

TEST(ReferencePointwise, ArithmeticByHand) {
  const Tensor a({3}, {1.0, -2.0, 3.0});
  const Tensor b({3}, {4.0, 5.0, -6.0});
  EXPECT_EQ(add(a, b).data, (std::vector<double>{5, 3, -3}));
  EXPECT_EQ(mul(a, b).data, (std::vector<double>{4, -10, -18}));
  EXPECT_EQ(scale(a, 2.0).data, (std::vector<double>{2, -4, 6}));
  EXPECT_DOUBLE_EQ(sum(a), 2.0);
  EXPECT_DOUBLE_EQ(mean(a), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(dot(a, b), -24.0);
  EXPECT_THROW(add(a, Tensor({1, 3})), std::invalid_argument);
}

TEST(ReferenceLoss, L1ByHand) {
  const Tensor a({4}, {1.0, 2.0, 3.0, 4.0});
  const Tensor b({4}, {2.0, 2.0, 1.0, 0.0});
  EXPECT_DOUBLE_EQ(l1_loss(a, b), (1.0 + 0.0 + 2.0 + 4.0) / 4.0);
  EXPECT_EQ(l1_loss_backward(a, b, 2.0).data, (std::vector<double>{-0.5, 0.0, 0.5, 0.5}));
}

TEST(ReferenceLoss, BceByHand) {
  EXPECT_DOUBLE_EQ(bce_with_logits(Tensor({1}, 0.0), Tensor({1}, 1.0)), std::log(2.0));
  EXPECT_DOUBLE_EQ(bce_with_logits(Tensor({1}, 0.0), Tensor({1}, 0.0)), std::log(2.0));
  // -log(sigmoid(2)) for target 1; the mean over two elements halves the sum.
  const double expected = 0.5 * (-std::log(1.0 / (1.0 + std::exp(-2.0))) + std::log(2.0));
  EXPECT_NEAR(bce_with_logits(Tensor({2}, {2.0, 0.0}), Tensor({2}, {1.0, 0.0})), expected, 1e-15);
  const Tensor g = bce_with_logits_backward(Tensor({2}, {0.0, 0.0}), Tensor({2}, {1.0, 0.0}), 1.0);
  EXPECT_EQ(g.data, (std::vector<double>{-0.25, 0.25}));
}

TEST(ReferenceLoss, BceIsStableForHugeLogits) {
  const auto bce = [](double x, double t) {
    return bce_with_logits(Tensor({1}, x), Tensor({1}, t));
  };
  EXPECT_DOUBLE_EQ(bce(1000.0, 0.0), 1000.0);
  EXPECT_DOUBLE_EQ(bce(-1000.0, 1.0), 1000.0);
  EXPECT_EQ(bce(1000.0, 1.0), 0.0);
  EXPECT_EQ(bce(-1000.0, 0.0), 0.0);
  const Tensor g =
      bce_with_logits_backward(Tensor({2}, {1000.0, -1000.0}), Tensor({2}, {0.0, 0.0}), 1.0);
  EXPECT_EQ(g.data, (std::vector<double>{0.5, 0.0}));
}

}  // namespace
}  // namespace aegan::reference
