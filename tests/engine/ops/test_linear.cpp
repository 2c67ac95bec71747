// linear against the double-precision CPU reference: forward and every gradient, for every kernel
// variant of the convolution table that it runs on.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/engine/ops/conv_check.hpp"

namespace aegan {
namespace {

namespace ref = reference;
using test::close;
using test::close_to_either;
using test::ConvVariant;

struct LinearCase {
  int64_t batch, in, out;
  bool bias;
};

std::string describe(const LinearCase& c) {
  return "linear x [" + std::to_string(c.batch) + "," + std::to_string(c.in) + "] out " +
         std::to_string(c.out) + (c.bias ? " bias" : "");
}

// Batch 1, single features, sizes that are no multiple of 4 or of any tile, more outputs than
// one workgroup, a single output and a long reduction; then DE-GAN celeba64's d.head and
// vae_enc.fc_mu (8192 features to 1 and to 128, baselines.md).
const std::vector<LinearCase> kCases{
    {1, 1, 1, true},     {1, 7, 3, false},   {3, 5, 11, true},     {4, 13, 1, true},
    {2, 100, 37, false}, {5, 64, 130, true}, {1, 300, 70, false},  {3, 1000, 9, true},
    {2, 17, 515, true},  {2, 8192, 1, true}, {2, 8192, 128, true},
};

struct LinearExpected {
  ref::Tensor x, weight, bias, r, y;
  ref::LinearGrads grads;
  // With float16 weights (the _half kernels) and float16 inputs too (coop, forward only).
  ref::Tensor y_half, grad_x_half, y_coop;
};

LinearExpected expect(const LinearCase& c, uint64_t seed) {
  LinearExpected e;
  e.x = test::random({c.batch, c.in}, seed);
  e.weight = test::random({c.out, c.in}, seed + 1);
  if (c.bias) e.bias = test::random({c.out}, seed + 2);
  e.y = ref::linear(e.x, e.weight, e.bias);
  e.r = test::random(e.y.shape, seed + 3);
  e.grads = ref::linear_backward(e.x, e.weight, c.bias, e.r);
  const ref::Tensor rounded = ref::round_to_float16(e.weight);
  e.y_half = ref::linear(e.x, rounded, e.bias);
  e.grad_x_half = ref::linear_backward(e.x, rounded, c.bias, e.r).x;
  e.y_coop = ref::linear(ref::round_to_float16(e.x), rounded, e.bias);
  return e;
}

// The references of kCases, computed once for every kernel variant.
const std::vector<LinearExpected>& expected_cases() {
  static const std::vector<LinearExpected> cases = [] {
    std::vector<LinearExpected> all;
    uint64_t seed = 3000;
    for (const LinearCase& c : kCases)
      all.push_back(expect(c, seed += 10));
    return all;
  }();
  return cases;
}

TEST_P(ConvVariant, LinearMatchesReference) {
  for (size_t i = 0; i < kCases.size(); ++i) {
    const LinearCase& c = kCases[i];
    SCOPED_TRACE(describe(c));
    const LinearExpected& e = expected_cases()[i];
    Tensor x = test::leaf(e.x), weight = test::leaf(e.weight);
    Tensor bias = c.bias ? test::leaf(e.bias) : Tensor();
    Tensor y = ops::linear(x, weight, bias);
    EXPECT_TRUE(rounding() == test::Rounding::none      ? close(y, e.y)
                : rounding() == test::Rounding::weights ? close_to_either(y, e.y_half, e.y)
                                                        : close_to_either(y, e.y_coop, e.y))
        << "output";
    test::backward_with(y, e.r);
    EXPECT_TRUE(rounding() == test::Rounding::weights
                    ? close_to_either(x.grad(), e.grad_x_half, e.grads.x)
                    : close(x.grad(), e.grads.x))
        << "input gradient";
    EXPECT_TRUE(close(weight.grad(), e.grads.weight)) << "weight gradient";
    if (c.bias) {
      EXPECT_TRUE(close(bias.grad(), e.grads.bias)) << "bias gradient";
    }
  }
}

// StackGAN-v2's h_net1.fc (nz 100 to 32768 features, no bias), whose input gradient sums 32768
// products per value, on the kernels the automatic choice takes. The direct, blocked and gemm
// kernels loop over the input channels in one invocation, and llvmpipe ends every loop of an
// invocation once they have run 65535 iterations together (gallivm's loop limiter), so forced
// there they sum only the first channels of such a reduction.
TEST(Linear, StackGanProjectionMatchesReference) {
  const LinearExpected e = expect({2, 100, 32768, false}, 3100);
  Tensor x = test::leaf(e.x), weight = test::leaf(e.weight);
  Tensor y = ops::linear(x, weight, Tensor());
  EXPECT_TRUE(close(y, e.y)) << "output";
  test::backward_with(y, e.r);
  EXPECT_TRUE(close(x.grad(), e.grads.x)) << "input gradient";
  EXPECT_TRUE(close(weight.grad(), e.grads.weight)) << "weight gradient";
}

TEST(Linear, GradientsOnlyOfInputsThatNeedThem) {
  const LinearExpected e = expect({3, 9, 5, true}, 3200);
  {
    SCOPED_TRACE("input alone");
    Tensor x = test::leaf(e.x);
    Tensor weight = test::to_device(e.weight), bias = test::to_device(e.bias);
    test::backward_with(ops::linear(x, weight, bias), e.r);
    EXPECT_TRUE(close(x.grad(), e.grads.x));
    EXPECT_FALSE(weight.grad().defined());
    EXPECT_FALSE(bias.grad().defined());
  }
  {
    SCOPED_TRACE("weight alone");
    Tensor x = test::to_device(e.x), weight = test::leaf(e.weight);
    test::backward_with(ops::linear(x, weight, test::to_device(e.bias)), e.r);
    EXPECT_TRUE(close(weight.grad(), e.grads.weight));
    EXPECT_EQ(weight.grad().shape(), (Shape{5, 9}));
    EXPECT_FALSE(x.grad().defined());
  }
  {
    SCOPED_TRACE("nothing: no graph");
    Tensor y = ops::linear(test::to_device(e.x), test::to_device(e.weight), Tensor());
    EXPECT_EQ(y.grad_fn(), nullptr);
    EXPECT_TRUE(close(y, ref::linear(e.x, e.weight, ref::Tensor())));
  }
}

TEST(Linear, RejectsBadShapes) {
  const Tensor x = Tensor::zeros({2, 3});
  EXPECT_THROW(ops::linear(Tensor::zeros({2, 3, 1, 1}), Tensor::zeros({4, 3}), Tensor()), Error);
  EXPECT_THROW(ops::linear(x, Tensor::zeros({4, 2}), Tensor()), Error);
  EXPECT_THROW(ops::linear(x, Tensor::zeros({4, 3, 1, 1}), Tensor()), Error);
  EXPECT_THROW(ops::linear(x, Tensor::zeros({4, 3}), Tensor::zeros({3})), Error);
  EXPECT_THROW(ops::linear(x, Tensor(), Tensor()), Error);
  EXPECT_THROW(ops::linear(Tensor(), Tensor::zeros({4, 3}), Tensor()), Error);
}

}  // namespace
}  // namespace aegan
