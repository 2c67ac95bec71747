// conv2d, conv_transpose2d and reflection_pad2d against the double-precision CPU references:
// forward and every gradient, for every kernel variant of the convolution table.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/autograd.hpp"
#include "engine/ops.hpp"
#include "engine/ops/conv_kernels.hpp"
#include "nets/conv_layers.hpp"
#include "tests/support/compare.hpp"

namespace aegan {
namespace {

using reference::random_tensor;

Tensor leaf(const reference::Tensor& t) {
  Tensor device = test::to_device(t);
  device.set_requires_grad(true);
  return device;
}

// Backpropagates L = sum(y * R) for a random R, so each input's gradient is the op's backward at
// grad_y = R; returns R.
reference::Tensor backward_from(const Tensor& y, uint64_t seed) {
  reference::Tensor r = random_tensor(y.shape(), seed);
  ops::sum(ops::mul(y, test::to_device(r))).backward();
  return r;
}

struct ConvCase {
  int64_t n, cin, h, w, cout;
  int k, stride, pad;
  bool bias;
  bool reflect;        // conv2d only
  int output_padding;  // conv_transpose2d only
};

std::string describe(const ConvCase& c) {
  return "x [" + std::to_string(c.n) + "," + std::to_string(c.cin) + "," + std::to_string(c.h) +
         "," + std::to_string(c.w) + "] cout " + std::to_string(c.cout) + " k " +
         std::to_string(c.k) + " stride " + std::to_string(c.stride) + " pad " +
         std::to_string(c.pad) + (c.reflect ? " reflect" : "") + (c.bias ? " bias" : "") +
         " output_padding " + std::to_string(c.output_padding);
}

void check_conv2d(const ConvCase& c, uint64_t seed) {
  SCOPED_TRACE(describe(c));
  const auto x = random_tensor({c.n, c.cin, c.h, c.w}, seed);
  const auto weight = random_tensor({c.cout, c.cin, c.k, c.k}, seed + 1);
  const auto bias = c.bias ? random_tensor({c.cout}, seed + 2) : reference::Tensor();
  const auto mode = c.reflect ? reference::Padding::reflect : reference::Padding::zeros;
  Tensor x_d = leaf(x), weight_d = leaf(weight), bias_d = c.bias ? leaf(bias) : Tensor();
  Tensor y =
      ops::conv2d(x_d, weight_d, bias_d,
                  {c.stride, c.pad, c.reflect ? ops::Padding::reflect : ops::Padding::zeros});
  EXPECT_TRUE(test::close(y, reference::conv2d(x, weight, bias, c.stride, c.pad, mode)));
  const auto r = backward_from(y, seed + 3);
  const auto want = reference::conv2d_backward(x, weight, c.bias, r, c.stride, c.pad, mode);
  EXPECT_TRUE(test::close(x_d.grad(), want.x)) << "input gradient";
  EXPECT_TRUE(test::close(weight_d.grad(), want.weight)) << "weight gradient";
  if (c.bias) {
    EXPECT_TRUE(test::close(bias_d.grad(), want.bias)) << "bias gradient";
  }
}

void check_conv_transpose2d(const ConvCase& c, uint64_t seed) {
  SCOPED_TRACE(describe(c));
  const auto x = random_tensor({c.n, c.cin, c.h, c.w}, seed);
  const auto weight = random_tensor({c.cin, c.cout, c.k, c.k}, seed + 1);
  const auto bias = c.bias ? random_tensor({c.cout}, seed + 2) : reference::Tensor();
  Tensor x_d = leaf(x), weight_d = leaf(weight), bias_d = c.bias ? leaf(bias) : Tensor();
  Tensor y = ops::conv_transpose2d(x_d, weight_d, bias_d, {c.stride, c.pad, c.output_padding});
  EXPECT_TRUE(test::close(
      y, reference::conv_transpose2d(x, weight, bias, c.stride, c.pad, c.output_padding)));
  const auto r = backward_from(y, seed + 3);
  const auto want =
      reference::conv_transpose2d_backward(x, weight, c.bias, r, c.stride, c.pad, c.output_padding);
  EXPECT_TRUE(test::close(x_d.grad(), want.x)) << "input gradient";
  EXPECT_TRUE(test::close(weight_d.grad(), want.weight)) << "weight gradient";
  if (c.bias) {
    EXPECT_TRUE(test::close(bias_d.grad(), want.bias)) << "bias gradient";
  }
}

// Each test runs once per kernel variant of the table ("auto" = the automatic choice), so every
// variant is checked on every device the tests run on.
class ConvVariant : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { ops::conv::force_variant(GetParam() == "auto" ? "" : GetParam()); }
  void TearDown() override { ops::conv::force_variant(""); }
};

std::vector<std::string> variants() {
  std::vector<std::string> names{"auto"};
  for (const auto& name : ops::conv::variant_names())
    names.push_back(name);
  return names;
}

std::string variant_name(const testing::TestParamInfo<std::string>& variant) {
  return variant.param;
}

INSTANTIATE_TEST_SUITE_P(Kernels, ConvVariant, testing::ValuesIn(variants()), variant_name);

TEST_P(ConvVariant, Conv2dSmallShapes) {
  const std::vector<ConvCase> cases{
      {1, 3, 7, 9, 5, 3, 1, 1, true, false, 0},    {2, 5, 8, 8, 7, 4, 2, 1, false, false, 0},
      {1, 13, 9, 7, 3, 3, 2, 0, true, false, 0},   {2, 7, 6, 5, 13, 3, 1, 1, false, true, 0},
      {1, 3, 5, 5, 1, 5, 1, 2, true, true, 0},     {3, 2, 11, 10, 6, 1, 1, 0, true, false, 0},
      {1, 4, 10, 10, 9, 3, 3, 2, false, false, 0}, {1, 5, 7, 7, 3, 4, 2, 1, true, true, 0},
  };
  uint64_t seed = 100;
  for (const auto& c : cases)
    check_conv2d(c, seed += 10);
}

TEST_P(ConvVariant, ConvTranspose2dSmallShapes) {
  const std::vector<ConvCase> cases{
      {1, 3, 5, 4, 5, 4, 2, 1, true, false, 0}, {2, 7, 3, 3, 13, 3, 2, 1, false, false, 1},
      {1, 5, 1, 1, 7, 4, 1, 0, true, false, 0}, {2, 13, 4, 5, 3, 3, 1, 1, false, false, 0},
      {1, 3, 3, 2, 2, 5, 3, 2, true, false, 2}, {1, 6, 4, 4, 3, 2, 2, 0, false, false, 0},
      {3, 2, 2, 3, 5, 1, 1, 0, true, false, 0},
  };
  uint64_t seed = 200;
  for (const auto& c : cases)
    check_conv_transpose2d(c, seed += 10);
}

// Every Conv and ConvT of the six networks of the tiny64 preset, at batch 2.
TEST_P(ConvVariant, Tiny64LayerShapes) {
  uint64_t seed = 300;
  for (const ConvLayer& layer : conv_layers(preset_by_name("tiny64"))) {
    SCOPED_TRACE(layer.name);
    const ConvCase c{2,       layer.cin,    layer.in_size, layer.in_size, layer.cout,
                     layer.k, layer.stride, layer.pad,     layer.bias,    layer.reflect,
                     0};
    if (layer.transposed) {
      check_conv_transpose2d(c, seed += 10);
    } else {
      check_conv2d(c, seed += 10);
    }
  }
}

TEST_P(ConvVariant, OnlyRequestedGradientsAreComputed) {
  const auto x = random_tensor({2, 5, 6, 7}, 401), weight = random_tensor({3, 5, 3, 3}, 402);
  Tensor x_d = test::to_device(x), weight_d = leaf(weight);
  Tensor y = ops::conv2d(x_d, weight_d, Tensor(), {2, 1, ops::Padding::zeros});
  const auto r = backward_from(y, 403);
  EXPECT_FALSE(x_d.grad().defined());
  EXPECT_TRUE(
      test::close(weight_d.grad(), reference::conv2d_backward(x, weight, false, r, 2, 1).weight));
}

TEST_P(ConvVariant, ResultsAreBitwiseReproducible) {
  const auto x = random_tensor({2, 7, 9, 9}, 501), weight = random_tensor({5, 7, 3, 3}, 502);
  std::vector<std::vector<float>> runs;
  for (int run = 0; run < 2; ++run) {
    Tensor x_d = leaf(x), weight_d = leaf(weight);
    Tensor y = ops::conv2d(x_d, weight_d, Tensor(), {1, 1, ops::Padding::reflect});
    backward_from(y, 503);
    auto values = y.to_host();
    for (const Tensor& grad : {x_d.grad(), weight_d.grad()}) {
      const auto g = grad.to_host();
      values.insert(values.end(), g.begin(), g.end());
    }
    runs.push_back(std::move(values));
  }
  EXPECT_EQ(runs[0], runs[1]);
}

TEST(ReflectionPad2d, ForwardAndGradient) {
  struct Case {
    std::vector<int64_t> shape;
    int pad;
  };
  const std::vector<Case> cases{{{1, 3, 5, 7}, 1}, {{2, 5, 4, 4}, 3},  {{1, 1, 2, 3}, 1},
                                {{2, 7, 9, 6}, 2}, {{1, 13, 3, 3}, 2}, {{1, 2, 6, 5}, 4}};
  uint64_t seed = 600;
  for (const auto& c : cases) {
    SCOPED_TRACE(to_string(c.shape) + " pad " + std::to_string(c.pad));
    const auto x = random_tensor(c.shape, seed += 10);
    Tensor x_d = leaf(x);
    Tensor y = ops::reflection_pad2d(x_d, c.pad);
    EXPECT_TRUE(test::close(y, reference::reflection_pad2d(x, c.pad)));
    const auto r = backward_from(y, seed + 1);
    EXPECT_TRUE(test::close(x_d.grad(), reference::reflection_pad2d_backward(r, c.shape, c.pad)));
  }
}

TEST(ConvErrors, BadShapesThrow) {
  const Tensor x = Tensor::zeros({1, 3, 5, 5});
  EXPECT_THROW(ops::conv2d(x, Tensor::zeros({4, 2, 3, 3}), Tensor(), {}), Error);
  EXPECT_THROW(ops::conv2d(x, Tensor::zeros({4, 3, 3, 2}), Tensor(), {}), Error);
  EXPECT_THROW(ops::conv2d(x, Tensor::zeros({4, 3, 3, 3}), Tensor::zeros({3}), {}), Error);
  EXPECT_THROW(ops::conv2d(x, Tensor::zeros({4, 3, 7, 7}), Tensor(), {}), Error);
  EXPECT_THROW(ops::conv2d(x, Tensor::zeros({4, 3, 3, 3}), Tensor(), {0, 0}), Error);
  EXPECT_THROW(ops::conv2d(x, Tensor::zeros({4, 3, 3, 3}), Tensor(), {1, 5, ops::Padding::reflect}),
               Error);
  EXPECT_THROW(ops::conv_transpose2d(x, Tensor::zeros({4, 3, 3, 3}), Tensor(), {}), Error);
  EXPECT_THROW(ops::conv_transpose2d(x, Tensor::zeros({3, 4, 3, 3}), Tensor(), {2, 0, 2}), Error);
  EXPECT_THROW(ops::reflection_pad2d(x, 5), Error);
  EXPECT_THROW(ops::reflection_pad2d(Tensor::zeros({3, 5, 5}), 1), Error);
}

}  // namespace
}  // namespace aegan
