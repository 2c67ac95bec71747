#include <gtest/gtest.h>

#include "tests/engine/ops/device_grad.hpp"

namespace aegan {
namespace {

namespace ref = reference;
using test::close;

// Odd sizes, batch 1 with spatial > 1, channels 3/5/7/13, 1x1 spatial, channels longer than one
// reduction chunk (with a partial last chunk), and the BN layers of the tiny64 preset at batch 2:
// 16@32x32 (H, F, phi), 32@16x16 (D_R, phi), 64@8x8 and 128@4x4 (G_E, D_E, D_R, phi) and
// 128@2x2 (phi's innermost levels, also at batch 1 where each channel has only 4 values).
const std::vector<Shape> kShapes{{1, 1, 4, 3},  {1, 2, 4, 3},   {1, 1, 4, 4},    {1, 2, 4, 4},
                                 {2, 3, 5, 7},  {1, 5, 4, 3},   {3, 7, 1, 1},    {4, 13, 3, 5},
                                 {1, 3, 9, 9},  {3, 2, 67, 71}, {2, 16, 32, 32}, {2, 32, 16, 16},
                                 {2, 64, 8, 8}, {2, 128, 4, 4}, {2, 128, 2, 2},  {1, 128, 2, 2}};

struct Inputs {
  ref::Tensor x, gamma, beta, running_mean, running_var, r;
};

Inputs inputs(const Shape& shape, uint64_t seed, double offset = 0.0) {
  const Shape c{shape[1]};
  return {test::random(shape, seed, offset - 2.0, offset + 3.0),
          test::random(c, seed + 1, 0.5, 1.5),
          test::random(c, seed + 2, -0.5, 0.5),
          test::random(c, seed + 3, -0.2, 0.2),
          test::random(c, seed + 4, 0.5, 2.0),
          test::random(shape, seed + 5)};
}

void expect_train_matches_reference(const Inputs& in) {
  Tensor x = test::leaf(in.x), gamma = test::leaf(in.gamma), beta = test::leaf(in.beta);
  Tensor running_mean = test::to_device(in.running_mean);
  Tensor running_var = test::to_device(in.running_var);
  Tensor y = ops::batch_norm2d(x, gamma, beta, running_mean, running_var, true);

  const auto f = ref::batch_norm2d_train(in.x, in.gamma, in.beta);
  EXPECT_TRUE(close(y, f.y));
  ref::Tensor want_mean = in.running_mean, want_var = in.running_var;
  ref::batch_norm2d_update_running(want_mean, want_var, f, in.x.numel() / in.x.shape[1]);
  EXPECT_TRUE(close(running_mean, want_mean));
  EXPECT_TRUE(close(running_var, want_var));

  test::backward_with(y, in.r);
  const auto g = ref::batch_norm2d_train_backward(in.x, in.gamma, in.r);
  EXPECT_TRUE(close(x.grad(), g.x));
  EXPECT_TRUE(close(gamma.grad(), g.gamma));
  EXPECT_TRUE(close(beta.grad(), g.beta));
}

TEST(BatchNorm, TrainForwardRunningStatsAndBackwardMatchReference) {
  uint64_t seed = 800;
  for (const Shape& shape : kShapes) {
    SCOPED_TRACE(to_string(shape));
    expect_train_matches_reference(inputs(shape, seed += 10));
  }
}

TEST(BatchNorm, TrainIsAccurateForValuesFarFromZero) {
  // Mean 100, spread 5: a one-pass sum of squares would lose the variance to cancellation.
  expect_train_matches_reference(inputs({2, 5, 67, 71}, 900, 100.0));
}

TEST(BatchNorm, LargeChannelsMatchReference) {
  // A paper512 channel (batch 16 at 256x256, 2^20 values), and one channel long enough that the
  // chunks outgrow their minimum size and the last one is partial.
  expect_train_matches_reference(inputs({16, 1, 256, 256}, 950));
  expect_train_matches_reference(inputs({1, 1, 2100, 2100}, 960));
}

TEST(BatchNorm, EvalUsesRunningStatsAndLeavesThemAlone) {
  uint64_t seed = 1000;
  for (const Shape& shape : kShapes) {
    SCOPED_TRACE(to_string(shape));
    const Inputs in = inputs(shape, seed += 10);
    Tensor x = test::leaf(in.x), gamma = test::leaf(in.gamma), beta = test::leaf(in.beta);
    Tensor running_mean = test::to_device(in.running_mean);
    Tensor running_var = test::to_device(in.running_var);
    Tensor y = ops::batch_norm2d(x, gamma, beta, running_mean, running_var, false);
    EXPECT_TRUE(
        close(y, ref::batch_norm2d_eval(in.x, in.gamma, in.beta, in.running_mean, in.running_var)));
    test::backward_with(y, in.r);
    const auto g =
        ref::batch_norm2d_eval_backward(in.x, in.gamma, in.running_mean, in.running_var, in.r);
    EXPECT_TRUE(close(x.grad(), g.x));
    EXPECT_TRUE(close(gamma.grad(), g.gamma));
    EXPECT_TRUE(close(beta.grad(), g.beta));
    EXPECT_EQ(running_mean.to_host(), ref::to_float(in.running_mean));
    EXPECT_EQ(running_var.to_host(), ref::to_float(in.running_var));
  }
}

TEST(BatchNorm, GradientOfInputAloneMatchesReference) {
  // Parameters without requires_grad: dx still needs the per-channel sums.
  const Inputs in = inputs({2, 7, 6, 5}, 1100);
  Tensor x = test::leaf(in.x);
  Tensor y =
      ops::batch_norm2d(x, test::to_device(in.gamma), test::to_device(in.beta),
                        test::to_device(in.running_mean), test::to_device(in.running_var), true);
  test::backward_with(y, in.r);
  EXPECT_TRUE(close(x.grad(), ref::batch_norm2d_train_backward(in.x, in.gamma, in.r).x));
}

TEST(BatchNorm, GradientOfParametersAloneMatchesReference) {
  // A constant input: only the per-channel sums run, in both modes.
  const Inputs in = inputs({3, 5, 4, 7}, 1150);
  for (const bool training : {true, false}) {
    SCOPED_TRACE(training ? "training" : "eval");
    Tensor gamma = test::leaf(in.gamma), beta = test::leaf(in.beta);
    Tensor x = test::to_device(in.x);
    Tensor y = ops::batch_norm2d(x, gamma, beta, test::to_device(in.running_mean),
                                 test::to_device(in.running_var), training);
    test::backward_with(y, in.r);
    const auto g = training ? ref::batch_norm2d_train_backward(in.x, in.gamma, in.r)
                            : ref::batch_norm2d_eval_backward(in.x, in.gamma, in.running_mean,
                                                              in.running_var, in.r);
    EXPECT_TRUE(close(gamma.grad(), g.gamma));
    EXPECT_TRUE(close(beta.grad(), g.beta));
    EXPECT_FALSE(x.grad().defined());
  }
}

TEST(BatchNorm, TrainingWithOneValuePerChannelIsAnError) {
  const Inputs in = inputs({1, 3, 1, 1}, 1200);
  Tensor running_mean = test::to_device(in.running_mean);
  Tensor running_var = test::to_device(in.running_var);
  EXPECT_THROW(ops::batch_norm2d(test::to_device(in.x), test::to_device(in.gamma),
                                 test::to_device(in.beta), running_mean, running_var, true),
               Error);
  // Eval mode has no batch statistics to compute, so one value is fine.
  Tensor y = ops::batch_norm2d(test::to_device(in.x), test::to_device(in.gamma),
                               test::to_device(in.beta), running_mean, running_var, false);
  EXPECT_TRUE(
      close(y, ref::batch_norm2d_eval(in.x, in.gamma, in.beta, in.running_mean, in.running_var)));
}

TEST(BatchNorm, RejectsBadShapes) {
  Tensor c3 = Tensor::zeros({3}), c4 = Tensor::full({4}, 1.0f);
  EXPECT_THROW(ops::batch_norm2d(Tensor::zeros({2, 3, 4}), c3, c3, c3, c3, true), Error);
  EXPECT_THROW(ops::batch_norm2d(Tensor::zeros({2, 3, 4, 4}), c4, c3, c3, c3, true), Error);
  EXPECT_THROW(ops::batch_norm2d(Tensor::zeros({2, 3, 4, 4}), c3, c3, c3, Tensor(), false), Error);
}

struct Run {
  std::vector<float> y, running_mean, running_var, dx, dgamma, dbeta;
  bool operator==(const Run&) const = default;
};

// The activation after batch norm: none, fused (batch_norm2d_activation) or as an op of its own.
struct After {
  ops::Activation activation = ops::Activation::none;
  float slope = 0.0f;
  bool fused = true;
};

Run train_step(const Inputs& in, const After& after = {}) {
  Tensor x = test::leaf(in.x), gamma = test::leaf(in.gamma), beta = test::leaf(in.beta);
  Tensor running_mean = test::to_device(in.running_mean);
  Tensor running_var = test::to_device(in.running_var);
  Tensor y;
  if (after.fused) {
    y = ops::batch_norm2d_activation(x, gamma, beta, running_mean, running_var, true,
                                     after.activation, after.slope);
  } else {
    y = ops::batch_norm2d(x, gamma, beta, running_mean, running_var, true);
    if (after.activation == ops::Activation::relu) y = ops::relu(y);
    if (after.activation == ops::Activation::leaky_relu) y = ops::leaky_relu(y, after.slope);
  }
  test::backward_with(y, in.r);
  return {y.to_host(),        running_mean.to_host(), running_var.to_host(),
          x.grad().to_host(), gamma.grad().to_host(), beta.grad().to_host()};
}

TEST(BatchNorm, TrainStepIsBitwiseReproducible) {
  for (const Shape& shape : {Shape{3, 2, 67, 71}, Shape{2, 16, 32, 32}}) {
    SCOPED_TRACE(to_string(shape));
    const Inputs in = inputs(shape, 1300);
    EXPECT_TRUE(train_step(in) == train_step(in));
  }
}

// The activations batch_norm2d_activation fuses in training; a slope of 0 makes leaky ReLU a
// ReLU written differently.
const std::vector<std::pair<const char*, After>> kFused{
    {"relu", {ops::Activation::relu}},
    {"leaky_relu 0.2", {ops::Activation::leaky_relu, 0.2f}},
    {"leaky_relu 0", {ops::Activation::leaky_relu, 0.0f}}};

ref::Tensor activate(const After& after, const ref::Tensor& x) {
  return after.activation == ops::Activation::relu ? ref::relu(x) : ref::leaky_relu(x, after.slope);
}

TEST(BatchNorm, FusedActivationMatchesReference) {
  uint64_t seed = 1400;
  for (const Shape& shape : kShapes) {
    for (const auto& [name, after] : kFused) {
      SCOPED_TRACE(to_string(shape) + " " + name);
      const Inputs in = inputs(shape, seed += 10);
      Tensor x = test::leaf(in.x), gamma = test::leaf(in.gamma), beta = test::leaf(in.beta);
      Tensor running_mean = test::to_device(in.running_mean);
      Tensor running_var = test::to_device(in.running_var);
      Tensor y = ops::batch_norm2d_activation(x, gamma, beta, running_mean, running_var, true,
                                              after.activation, after.slope);
      const auto f = ref::batch_norm2d_train(in.x, in.gamma, in.beta);
      EXPECT_TRUE(close(y, activate(after, f.y)));
      ref::Tensor want_mean = in.running_mean, want_var = in.running_var;
      ref::batch_norm2d_update_running(want_mean, want_var, f, in.x.numel() / in.x.shape[1]);
      EXPECT_TRUE(close(running_mean, want_mean));
      EXPECT_TRUE(close(running_var, want_var));

      test::backward_with(y, in.r);
      // The activation's derivative where the device's output says its input was positive: a
      // value within rounding of 0 may fall on either side, and each side is a derivative there.
      const ref::Tensor device_y = ref::from_float(shape, y.to_host());
      const ref::Tensor grad_before = after.activation == ops::Activation::relu
                                          ? ref::relu_backward(device_y, in.r)
                                          : ref::leaky_relu_backward(device_y, in.r, after.slope);
      const auto g = ref::batch_norm2d_train_backward(in.x, in.gamma, grad_before);
      EXPECT_TRUE(close(x.grad(), g.x));
      EXPECT_TRUE(close(gamma.grad(), g.gamma));
      EXPECT_TRUE(close(beta.grad(), g.beta));
    }
  }
}

TEST(BatchNorm, FusedActivationIsTheTwoOpsBitForBit) {
  // Planes of whole vec4s (the four-wide kernels) and not.
  for (const Shape& shape : {Shape{3, 2, 67, 71}, Shape{2, 16, 8, 8}, Shape{1, 5, 4, 3}}) {
    for (const auto& [name, after] : kFused) {
      SCOPED_TRACE(to_string(shape) + " " + name);
      const Inputs in = inputs(shape, 1500);
      After apart = after;
      apart.fused = false;
      EXPECT_TRUE(train_step(in, after) == train_step(in, apart));
    }
  }
}

TEST(BatchNorm, ActivationsItDoesNotFuseRunAsTwoOps) {
  const Inputs in = inputs({2, 3, 5, 7}, 1600);
  const ref::Tensor bn =
      ref::batch_norm2d_eval(in.x, in.gamma, in.beta, in.running_mean, in.running_var);
  auto run = [&](bool training, ops::Activation activation, float slope) {
    return ops::batch_norm2d_activation(test::to_device(in.x), test::to_device(in.gamma),
                                        test::to_device(in.beta), test::to_device(in.running_mean),
                                        test::to_device(in.running_var), training, activation,
                                        slope);
  };
  EXPECT_TRUE(close(run(false, ops::Activation::relu, 0.0f), ref::relu(bn)));
  EXPECT_TRUE(close(run(false, ops::Activation::leaky_relu, 0.2f), ref::leaky_relu(bn, 0.2)));
  const ref::Tensor train = ref::batch_norm2d_train(in.x, in.gamma, in.beta).y;
  EXPECT_TRUE(close(run(true, ops::Activation::tanh, 0.0f), ref::tanh(train)));
  EXPECT_TRUE(close(run(true, ops::Activation::leaky_relu, -0.5f), ref::leaky_relu(train, -0.5)));
}

}  // namespace
}  // namespace aegan
