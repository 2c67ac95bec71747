// conv2d_activation and conv_transpose2d_activation (the activation applied as the convolution
// stores) against the double-precision CPU references, forward and backward, and against the two
// ops they stand for.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/autograd.hpp"
#include "tests/engine/ops/device_grad.hpp"

namespace aegan {
namespace {

namespace ref = reference;
using ops::Activation;
using test::close;
using test::to_device;
using test::to_reference;

constexpr float kSlope = 0.2f;

struct Case {
  bool transposed;
  int64_t n, cin, size, cout;
  int k, stride, pad;
  bool bias, reflect;
  Activation activation;
  float slope = 0.0f;
  int output_padding = 0;  // transposed only
};

std::string describe(const Case& c) {
  return std::string(c.transposed ? "conv_transpose2d" : "conv2d") + " n " + std::to_string(c.n) +
         " cin " + std::to_string(c.cin) + " size " + std::to_string(c.size) + " cout " +
         std::to_string(c.cout) + " k " + std::to_string(c.k) + " stride " +
         std::to_string(c.stride) + " pad " + std::to_string(c.pad) + (c.bias ? " bias" : "") +
         (c.reflect ? " reflect" : "") + " activation " +
         std::to_string(static_cast<int>(c.activation)) + " slope " + std::to_string(c.slope) +
         " output_padding " + std::to_string(c.output_padding);
}

// Odd sizes, batch 1, stride 2, zero and reflection padding, a 1x1 input, every activation
// (tanh and a negative slope cannot take their derivative from the output: training runs them
// as the two ops), and DE-GAN's ConvT5 (kernel 5, stride 2, padding 2, output_padding 1).
std::vector<Case> cases() {
  return {
      {false, 1, 3, 9, 5, 3, 1, 1, false, false, Activation::relu},
      {false, 2, 5, 11, 7, 4, 2, 1, true, false, Activation::leaky_relu, kSlope},
      {false, 1, 4, 7, 6, 3, 1, 1, true, true, Activation::leaky_relu, kSlope},
      {false, 2, 3, 8, 4, 4, 2, 1, true, false, Activation::leaky_relu, 0.0f},
      {false, 1, 6, 6, 3, 4, 2, 1, true, false, Activation::tanh},
      {false, 1, 5, 5, 4, 3, 2, 0, true, false, Activation::leaky_relu, -0.5f},
      {true, 1, 5, 5, 6, 4, 2, 1, false, false, Activation::relu},
      {true, 2, 7, 3, 4, 3, 2, 1, true, false, Activation::leaky_relu, kSlope},
      {true, 1, 9, 1, 16, 4, 1, 0, true, false, Activation::tanh},
      {true, 2, 6, 4, 5, 5, 2, 2, false, false, Activation::relu, 0.0f, 1},
      {true, 1, 7, 3, 3, 5, 2, 2, true, false, Activation::tanh, 0.0f, 1},
      {true, 1, 4, 3, 6, 3, 3, 1, true, false, Activation::leaky_relu, kSlope, 2},
  };
}

struct Inputs {
  ref::Tensor x, weight, bias;
};

Inputs inputs(const Case& c, uint64_t seed) {
  const Shape weight =
      c.transposed ? Shape{c.cin, c.cout, c.k, c.k} : Shape{c.cout, c.cin, c.k, c.k};
  // Values with both signs, so that every activation has both branches to take.
  return {test::random({c.n, c.cin, c.size, c.size}, seed, -2.0, 2.0),
          test::random(weight, seed + 1, -0.5, 0.5),
          c.bias ? test::random({c.cout}, seed + 2) : ref::Tensor()};
}

Tensor device_or_none(const ref::Tensor& t, bool leaf) {
  if (t.shape.empty()) return Tensor();
  return leaf ? test::leaf(t) : to_device(t);
}

Tensor run_op(const Case& c, const Tensor& x, const Tensor& weight, const Tensor& bias) {
  if (c.transposed) {
    return ops::conv_transpose2d_activation(x, weight, bias, {c.stride, c.pad, c.output_padding},
                                            c.activation, c.slope);
  }
  return ops::conv2d_activation(
      x, weight, bias, {c.stride, c.pad, c.reflect ? ops::Padding::reflect : ops::Padding::zeros},
      c.activation, c.slope);
}

Tensor run_two_ops(const Case& c, const Tensor& x, const Tensor& weight, const Tensor& bias) {
  const Tensor y =
      c.transposed
          ? ops::conv_transpose2d(x, weight, bias, {c.stride, c.pad, c.output_padding})
          : ops::conv2d(x, weight, bias,
                        {c.stride, c.pad, c.reflect ? ops::Padding::reflect : ops::Padding::zeros});
  return ops::activate(y, c.activation, c.slope);
}

ref::Tensor activate(const ref::Tensor& x, const Case& c) {
  switch (c.activation) {
    case Activation::relu:
      return ref::relu(x);
    case Activation::leaky_relu:
      return ref::leaky_relu(x, c.slope);
    case Activation::tanh:
      return ref::tanh(x);
    case Activation::none:
      break;
  }
  return x;
}

// dL/d(pre-activation) from dL/dy.
ref::Tensor activation_backward(const ref::Tensor& pre, const ref::Tensor& grad, const Case& c) {
  switch (c.activation) {
    case Activation::relu:
      return ref::relu_backward(pre, grad);
    case Activation::leaky_relu:
      return ref::leaky_relu_backward(pre, grad, c.slope);
    case Activation::tanh:
      return ref::tanh_backward(pre, grad);
    case Activation::none:
      break;
  }
  return grad;
}

ref::Tensor convolve(const Case& c, const Inputs& in) {
  return c.transposed
             ? ref::conv_transpose2d(in.x, in.weight, in.bias, c.stride, c.pad, c.output_padding)
             : ref::conv2d(in.x, in.weight, in.bias, c.stride, c.pad,
                           c.reflect ? ref::Padding::reflect : ref::Padding::zeros);
}

TEST(ConvActivation, TrainingMatchesReferenceForwardAndBackward) {
  uint64_t seed = 500;
  for (const Case& c : cases()) {
    SCOPED_TRACE(describe(c));
    const Inputs in = inputs(c, seed += 10);
    Tensor x = test::leaf(in.x), weight = test::leaf(in.weight);
    Tensor bias = device_or_none(in.bias, true);
    const Tensor y = run_op(c, x, weight, bias);
    // Fused exactly where the activation's derivative follows from its output.
    const bool fused = ops::gradient_from_output(c.activation, c.slope);
    ASSERT_TRUE(y.grad_fn() != nullptr);
    EXPECT_EQ(std::string(y.grad_fn()->name),
              fused ? (c.transposed ? "conv_transpose2d_activation" : "conv2d_activation")
                    : (c.activation == Activation::tanh ? "tanh" : "leaky_relu"));
    const ref::Tensor pre = convolve(c, in);
    const ref::Tensor want = activate(pre, c);
    EXPECT_TRUE(close(y, want));
    const ref::Tensor r = test::random(want.shape, seed + 5);
    test::backward_with(y, r);
    const ref::Tensor grad_pre = activation_backward(pre, r, c);
    const ref::ConvGrads grads =
        c.transposed
            ? ref::conv_transpose2d_backward(in.x, in.weight, c.bias, grad_pre, c.stride, c.pad,
                                             c.output_padding)
            : ref::conv2d_backward(in.x, in.weight, c.bias, grad_pre, c.stride, c.pad,
                                   c.reflect ? ref::Padding::reflect : ref::Padding::zeros);
    EXPECT_TRUE(close(x.grad(), grads.x)) << "input gradient";
    EXPECT_TRUE(close(weight.grad(), grads.weight)) << "weight gradient";
    if (c.bias) {
      EXPECT_TRUE(close(bias.grad(), grads.bias)) << "bias gradient";
    }
  }
}

// The fused op gives what the two ops give, outputs and gradients (to 1e-6: where the automatic
// choice of kernel fuses, the same kernel runs both and the results are the same bits).
TEST(ConvActivation, TrainingGivesWhatTheTwoOpsGive) {
  uint64_t seed = 700;
  for (const Case& c : cases()) {
    SCOPED_TRACE(describe(c));
    const Inputs in = inputs(c, seed += 10);
    const ref::Tensor r = test::random(ref::relu(convolve(c, in)).shape, seed + 5);
    std::vector<Tensor> results[2];
    for (int fused = 0; fused < 2; ++fused) {
      Tensor x = test::leaf(in.x), weight = test::leaf(in.weight);
      Tensor bias = device_or_none(in.bias, true);
      const Tensor y = fused ? run_op(c, x, weight, bias) : run_two_ops(c, x, weight, bias);
      test::backward_with(y, r);
      results[fused] = {y, x.grad(), weight.grad()};
      if (c.bias) results[fused].push_back(bias.grad());
    }
    for (size_t i = 0; i < results[0].size(); ++i) {
      EXPECT_TRUE(close(results[1][i], to_reference(results[0][i]), 1e-6)) << "tensor " << i;
    }
  }
}

// Where nothing needs gradients every activation, tanh too, goes to the convolution's store.
TEST(ConvActivation, InferenceMatchesReferenceForEveryActivation) {
  uint64_t seed = 900;
  for (const Case& c : cases()) {
    SCOPED_TRACE(describe(c));
    const Inputs in = inputs(c, seed += 10);
    const Tensor y =
        run_op(c, to_device(in.x), to_device(in.weight), device_or_none(in.bias, false));
    EXPECT_TRUE(y.grad_fn() == nullptr);
    EXPECT_TRUE(close(y, activate(convolve(c, in), c)));
  }
}

TEST(ConvActivation, GradientFromTheOutputOnlyWhereItFollowsFromIt) {
  const Tensor y = to_device(test::random({2, 3}, 1));
  EXPECT_THROW(ops::activation_gradient(y, y, Activation::tanh, 0.0f), Error);
  EXPECT_THROW(ops::activation_gradient(y, y, Activation::leaky_relu, -0.1f), Error);
  EXPECT_FALSE(ops::gradient_from_output(Activation::none, 0.0f));
  EXPECT_TRUE(ops::gradient_from_output(Activation::leaky_relu, 0.0f));
}

}  // namespace
}  // namespace aegan
