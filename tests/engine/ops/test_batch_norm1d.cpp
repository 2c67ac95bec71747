// batch_norm1d against the double-precision CPU reference, in training (with the running
// statistics) and evaluation, forward and every gradient.
#include <gtest/gtest.h>

#include "tests/engine/ops/device_grad.hpp"

namespace aegan {
namespace {

namespace ref = reference;
using test::close;

// Batch 2 (the fewest values training takes), odd feature counts, planes of more affine
// workgroups than fit one dispatch row, StackGAN-v2's h_net1 BN1d (32768 features) at batch 2,
// and a batch long enough for several reduction chunks with a partial last one.
const std::vector<Shape> kTrainShapes{{2, 1},   {2, 3},    {3, 7},     {5, 13},
                                      {4, 300}, {3, 4099}, {2, 32768}, {3000, 5}};

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
  // At batch 2 the normalised values are +-1 whatever x is, up to eps: the input gradient is of
  // the order of eps, within float32 rounding of 0 unless eps is large.
  const float eps = in.x.shape[0] == 2 ? 0.5f : 1e-5f;
  Tensor x = test::leaf(in.x), gamma = test::leaf(in.gamma), beta = test::leaf(in.beta);
  Tensor running_mean = test::to_device(in.running_mean);
  Tensor running_var = test::to_device(in.running_var);
  Tensor y = ops::batch_norm1d(x, gamma, beta, running_mean, running_var, true, 0.1f, eps);

  const auto f = ref::batch_norm1d_train(in.x, in.gamma, in.beta, eps);
  EXPECT_TRUE(close(y, f.y));
  ref::Tensor want_mean = in.running_mean, want_var = in.running_var;
  ref::batch_norm2d_update_running(want_mean, want_var, f, in.x.shape[0]);
  EXPECT_TRUE(close(running_mean, want_mean));
  EXPECT_TRUE(close(running_var, want_var));

  test::backward_with(y, in.r);
  const auto g = ref::batch_norm1d_train_backward(in.x, in.gamma, in.r, eps);
  EXPECT_TRUE(close(x.grad(), g.x));
  EXPECT_TRUE(close(gamma.grad(), g.gamma));
  EXPECT_TRUE(close(beta.grad(), g.beta));
}

TEST(BatchNorm1d, TrainForwardRunningStatsAndBackwardMatchReference) {
  uint64_t seed = 4000;
  for (const Shape& shape : kTrainShapes) {
    SCOPED_TRACE(to_string(shape));
    expect_train_matches_reference(inputs(shape, seed += 10));
  }
}

TEST(BatchNorm1d, TrainIsAccurateForValuesFarFromZero) {
  expect_train_matches_reference(inputs({257, 3}, 4100, 100.0));
}

TEST(BatchNorm1d, EvalUsesRunningStatsAndLeavesThemAlone) {
  uint64_t seed = 4200;
  for (const Shape& shape : {Shape{1, 1}, Shape{1, 9}, Shape{4, 13}, Shape{3, 4099}}) {
    SCOPED_TRACE(to_string(shape));
    const Inputs in = inputs(shape, seed += 10);
    Tensor x = test::leaf(in.x), gamma = test::leaf(in.gamma), beta = test::leaf(in.beta);
    Tensor running_mean = test::to_device(in.running_mean);
    Tensor running_var = test::to_device(in.running_var);
    Tensor y = ops::batch_norm1d(x, gamma, beta, running_mean, running_var, false);
    EXPECT_TRUE(
        close(y, ref::batch_norm1d_eval(in.x, in.gamma, in.beta, in.running_mean, in.running_var)));
    test::backward_with(y, in.r);
    const auto g =
        ref::batch_norm1d_eval_backward(in.x, in.gamma, in.running_mean, in.running_var, in.r);
    EXPECT_TRUE(close(x.grad(), g.x));
    EXPECT_TRUE(close(gamma.grad(), g.gamma));
    EXPECT_TRUE(close(beta.grad(), g.beta));
    EXPECT_EQ(running_mean.to_host(), ref::to_float(in.running_mean));
    EXPECT_EQ(running_var.to_host(), ref::to_float(in.running_var));
  }
}

TEST(BatchNorm1d, GradientsOnlyOfInputsThatNeedThem) {
  const Inputs in = inputs({4, 6}, 4300);
  {
    SCOPED_TRACE("input alone");
    Tensor x = test::leaf(in.x), gamma = test::to_device(in.gamma);
    Tensor y =
        ops::batch_norm1d(x, gamma, test::to_device(in.beta), test::to_device(in.running_mean),
                          test::to_device(in.running_var), true);
    test::backward_with(y, in.r);
    EXPECT_TRUE(close(x.grad(), ref::batch_norm1d_train_backward(in.x, in.gamma, in.r).x));
    EXPECT_FALSE(gamma.grad().defined());
  }
  {
    SCOPED_TRACE("parameters alone");
    Tensor x = test::to_device(in.x), gamma = test::leaf(in.gamma), beta = test::leaf(in.beta);
    Tensor y = ops::batch_norm1d(x, gamma, beta, test::to_device(in.running_mean),
                                 test::to_device(in.running_var), true);
    test::backward_with(y, in.r);
    const auto g = ref::batch_norm1d_train_backward(in.x, in.gamma, in.r);
    EXPECT_TRUE(close(gamma.grad(), g.gamma));
    EXPECT_TRUE(close(beta.grad(), g.beta));
    EXPECT_FALSE(x.grad().defined());
  }
}

TEST(BatchNorm1d, TrainingWithBatchOneIsAnError) {
  const Inputs in = inputs({1, 3}, 4400);
  Tensor running_mean = test::to_device(in.running_mean);
  Tensor running_var = test::to_device(in.running_var);
  try {
    ops::batch_norm1d(test::to_device(in.x), test::to_device(in.gamma), test::to_device(in.beta),
                      running_mean, running_var, true);
    ADD_FAILURE() << "batch 1 in training was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("batch_norm1d"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[1, 3]"), std::string::npos) << e.what();
  }
  EXPECT_EQ(running_mean.to_host(), ref::to_float(in.running_mean));
  EXPECT_EQ(running_var.to_host(), ref::to_float(in.running_var));
}

TEST(BatchNorm1d, RejectsBadShapes) {
  Tensor c3 = Tensor::zeros({3}), c4 = Tensor::full({4}, 1.0f);
  EXPECT_THROW(ops::batch_norm1d(Tensor::zeros({2, 3, 1, 1}), c3, c3, c3, c3, true), Error);
  EXPECT_THROW(ops::batch_norm1d(Tensor::zeros({6}), c3, c3, c3, c3, true), Error);
  EXPECT_THROW(ops::batch_norm1d(Tensor::zeros({2, 3}), c4, c3, c3, c3, true), Error);
  EXPECT_THROW(ops::batch_norm1d(Tensor::zeros({2, 3}), c3, c3, c3, Tensor(), false), Error);
  EXPECT_THROW(ops::batch_norm1d(Tensor(), c3, c3, c3, c3, false), Error);
}

}  // namespace
}  // namespace aegan
