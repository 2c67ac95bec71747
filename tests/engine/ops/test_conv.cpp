// conv2d, conv_transpose2d and reflection_pad2d against the double-precision CPU references:
// forward and every gradient, for every kernel variant of the convolution table.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "engine/autograd.hpp"
#include "engine/ops.hpp"
#include "engine/ops/conv_kernels.hpp"
#include "engine/runtime.hpp"
#include "nets/conv_layers.hpp"
#include "tests/engine/ops/conv_variants.hpp"
#include "tests/support/compare.hpp"

namespace aegan {
namespace {

using reference::random_tensor;

Tensor leaf(const reference::Tensor& t) {
  Tensor device = test::to_device(t);
  device.set_requires_grad(true);
  return device;
}

// Backpropagates L = sum(y * r), so each input's gradient is the op's backward at grad_y = r.
void backward_from(const Tensor& y, const reference::Tensor& r) {
  ops::sum(ops::mul(y, test::to_device(r))).backward();
}

struct ConvCase {
  int64_t n, cin, h, w, cout;
  int k, stride, pad;
  bool bias;
  bool transposed;
  bool reflect;        // conv2d only
  int output_padding;  // conv_transpose2d only
};

std::string describe(const ConvCase& c) {
  return std::string(c.transposed ? "conv_transpose2d" : "conv2d") + " x [" + std::to_string(c.n) +
         "," + std::to_string(c.cin) + "," + std::to_string(c.h) + "," + std::to_string(c.w) +
         "] cout " + std::to_string(c.cout) + " k " + std::to_string(c.k) + " stride " +
         std::to_string(c.stride) + " pad " + std::to_string(c.pad) +
         (c.reflect ? " reflect" : "") + (c.bias ? " bias" : "") + " output_padding " +
         std::to_string(c.output_padding);
}

// Inputs of one case and what the CPU reference makes of them; R is the gradient of the output
// (the tests backpropagate L = sum(y * R)). y_half and grad_x_half are the output and input
// gradient with the weights rounded to float16, as the _half kernels compute them (the weight
// gradient does not depend on the weights); y_coop the output with the input rounded too.
struct Expected {
  reference::Tensor x, weight, bias, r, y;
  reference::ConvGrads grads;
  reference::Tensor y_half, grad_x_half, y_coop;
};

Expected expect(const ConvCase& c, uint64_t seed) {
  Expected e;
  e.x = random_tensor({c.n, c.cin, c.h, c.w}, seed);
  e.weight = random_tensor(c.transposed ? std::vector<int64_t>{c.cin, c.cout, c.k, c.k}
                                        : std::vector<int64_t>{c.cout, c.cin, c.k, c.k},
                           seed + 1);
  if (c.bias) e.bias = random_tensor({c.cout}, seed + 2);
  const auto mode = c.reflect ? reference::Padding::reflect : reference::Padding::zeros;
  auto forward = [&](const reference::Tensor& weight, const reference::Tensor& x) {
    return c.transposed
               ? reference::conv_transpose2d(x, weight, e.bias, c.stride, c.pad, c.output_padding)
               : reference::conv2d(x, weight, e.bias, c.stride, c.pad, mode);
  };
  auto backward = [&](const reference::Tensor& weight) {
    return c.transposed
               ? reference::conv_transpose2d_backward(e.x, weight, c.bias, e.r, c.stride, c.pad,
                                                      c.output_padding)
               : reference::conv2d_backward(e.x, weight, c.bias, e.r, c.stride, c.pad, mode);
  };
  e.y = forward(e.weight, e.x);
  e.r = random_tensor(e.y.shape, seed + 3);
  e.grads = backward(e.weight);
  const reference::Tensor rounded = reference::round_to_float16(e.weight);
  e.y_half = forward(rounded, e.x);
  e.grad_x_half = backward(rounded).x;
  e.y_coop = forward(rounded, reference::round_to_float16(e.x));
  return e;
}

// A variant's results are those of its rounding, or float32 ones: on shapes it does not support,
// a forced kernel gives way to a float32 one (gemm_split_half where nothing splits), and coop
// kernels never compute input gradients.
void check(const ConvCase& c, const Expected& e, test::Rounding rounding) {
  SCOPED_TRACE(describe(c));
  Tensor x = leaf(e.x), weight = leaf(e.weight), bias = c.bias ? leaf(e.bias) : Tensor();
  Tensor y =
      c.transposed
          ? ops::conv_transpose2d(x, weight, bias, {c.stride, c.pad, c.output_padding})
          : ops::conv2d(x, weight, bias,
                        {c.stride, c.pad, c.reflect ? ops::Padding::reflect : ops::Padding::zeros});
  using test::Rounding;
  EXPECT_TRUE(rounding == Rounding::none      ? test::close(y, e.y)
              : rounding == Rounding::weights ? test::close_to_either(y, e.y_half, e.y)
                                              : test::close_to_either(y, e.y_coop, e.y))
      << "output";
  backward_from(y, e.r);
  EXPECT_TRUE(rounding == Rounding::weights
                  ? test::close_to_either(x.grad(), e.grad_x_half, e.grads.x)
                  : test::close(x.grad(), e.grads.x))
      << "input gradient";
  EXPECT_TRUE(test::close(weight.grad(), e.grads.weight)) << "weight gradient";
  if (c.bias) {
    EXPECT_TRUE(test::close(bias.grad(), e.grads.bias)) << "bias gradient";
  }
}

// Each test runs once per kernel variant of the table (forced even where the automatic choice
// would not take it), so every kernel is checked on every device the tests run on.
class ConvVariant : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const std::string reason = test::unavailable(GetParam(), Runtime::get().device());
    if (!reason.empty()) GTEST_SKIP() << reason;
    ops::conv::force_variant(GetParam());
  }
  void TearDown() override { ops::conv::force_variant(""); }
  test::Rounding rounding() const { return test::rounding_of(GetParam()); }
  bool rounds_weights() const { return rounding() != test::Rounding::none; }
};

std::string variant_name(const testing::TestParamInfo<std::string>& variant) {
  return variant.param;
}

INSTANTIATE_TEST_SUITE_P(Kernels, ConvVariant, testing::ValuesIn(ops::conv::variant_names()),
                         variant_name);

// The references of a list of cases, computed once for all variants (they take longer than the
// GPU on a CPU device).
struct Checked {
  ConvCase c;
  Expected e;
};

std::vector<Checked> with_references(const std::vector<ConvCase>& cases, uint64_t seed) {
  std::vector<Checked> checked;
  for (const auto& c : cases)
    checked.push_back({c, expect(c, seed += 10)});
  return checked;
}

TEST_P(ConvVariant, Conv2dSmallShapes) {
  // n cin h w cout k stride pad bias transposed reflect output_padding
  static const auto cases = with_references(
      {
          {1, 3, 7, 9, 5, 3, 1, 1, true, false, false, 0},
          {2, 5, 8, 8, 7, 4, 2, 1, false, false, false, 0},
          {1, 13, 9, 7, 3, 3, 2, 0, true, false, false, 0},
          {2, 7, 6, 5, 13, 3, 1, 1, false, false, true, 0},
          {1, 3, 5, 5, 1, 5, 1, 2, true, false, true, 0},
          {3, 2, 11, 10, 6, 1, 1, 0, true, false, false, 0},
          {1, 4, 10, 10, 9, 3, 3, 2, false, false, false, 0},
          {1, 5, 7, 7, 3, 4, 2, 1, true, false, true, 0},
          // Enough rows of grad_y that the weight gradient sums three chunks, the last partial.
          {2, 2, 70, 66, 3, 3, 1, 1, false, false, false, 0},
          // More than 32 output channels, not a multiple of 32 (rows' 32-row tiles on CPUs), for
          // the output (3x3) and the input gradient (2x2 taps per phase).
          {1, 4, 10, 9, 37, 3, 1, 1, true, false, false, 0},
          // A weight gradient of 40 x 1080 weights, 100 products each: 64-row tiles of the
          // weight-gradient kernel on CPUs of up to 2 cores, 32-row ones on more.
          {1, 120, 10, 10, 40, 3, 1, 1, false, false, false, 0},
          {1, 35, 6, 6, 3, 4, 2, 1, false, false, false, 0},
      },
      100);
  for (const auto& [c, e] : cases)
    check(c, e, rounding());
}

TEST_P(ConvVariant, ConvTranspose2dSmallShapes) {
  static const auto cases = with_references(
      {
          {1, 3, 5, 4, 5, 4, 2, 1, true, true, false, 0},
          {2, 7, 3, 3, 13, 3, 2, 1, false, true, false, 1},
          {1, 5, 1, 1, 7, 4, 1, 0, true, true, false, 0},
          {2, 13, 4, 5, 3, 3, 1, 1, false, true, false, 0},
          {1, 3, 3, 2, 2, 5, 3, 2, true, true, false, 2},
          {1, 6, 4, 4, 3, 2, 2, 0, false, true, false, 0},
          {3, 2, 2, 3, 5, 1, 1, 0, true, true, false, 0},
          // From one pixel (GEMM kernels then use phases k apart), with padding, and with an
          // output larger than the kernel.
          {2, 6, 1, 1, 5, 4, 2, 1, true, true, false, 0},
          {2, 3, 1, 1, 4, 1, 3, 0, false, true, false, 2},
          // Enough rows of x that the weight gradient sums two chunks.
          {3, 2, 50, 50, 3, 4, 2, 1, true, true, false, 0},
          {1, 5, 3, 4, 33, 4, 2, 1, true, true, false, 0},
      },
      200);
  for (const auto& [c, e] : cases)
    check(c, e, rounding());
}

// Every Conv and ConvT of the six networks of the tiny64 preset: batch 2, or 1 where the input
// is 32x32 or larger (those dominate the time on a CPU device).
TEST_P(ConvVariant, Tiny64LayerShapes) {
  static const auto cases = [] {
    std::vector<ConvCase> list;
    for (const ConvLayer& layer : conv_layers(preset_by_name("tiny64"))) {
      list.push_back({layer.in_size >= 32 ? 1 : 2, layer.cin, layer.in_size, layer.in_size,
                      layer.cout, layer.k, layer.stride, layer.pad, layer.bias, layer.transposed,
                      layer.reflect, 0});
    }
    return with_references(list, 300);
  }();
  for (const auto& [c, e] : cases)
    check(c, e, rounding());
}

// Runs of 16 outputs per invocation, which the rows kernels take for 4x4 kernels on CPU devices
// with enough workgroups (engine/ops/conv_kernels.cpp, run_length; these shapes have enough on
// up to 2 cores): a convolution, and a transposed one with 32 output channels per tile.
TEST(ConvRows, LongRowRuns) {
  static const auto cases = with_references(
      {
          {1, 1, 66, 64, 256, 4, 2, 1, true, false, false, 0},
          {1, 1, 32, 256, 128, 4, 2, 1, false, true, false, 0},
      },
      400);
  for (const char* variant : {"rows_texel", "rows"}) {
    SCOPED_TRACE(variant);
    if (!test::unavailable(variant, Runtime::get().device()).empty()) continue;
    ops::conv::force_variant(variant);
    for (const auto& [c, e] : cases)
      check(c, e, test::Rounding::none);
    ops::conv::force_variant("");
  }
}

// One product per output (x is 1 in input channel 0, 0 in the others), so each output is exactly
// a weight as the kernel stored it: float32, or float16 rounded to nearest even in the _half
// kernels, whatever the device's own conversions round to. Subnormal float16 values may read
// back as zero (devices need not preserve float16 denormals).
TEST_P(ConvVariant, WeightsKeepTheirPrecision) {
  const std::vector<double> firsts{
      1.0 + 0x1p-11, 1.0 + 3 * 0x1p-11, -0.1, 65519.0, 70000.0, 3e-8, 1e-5, -2.5e-8};
  const int64_t out_c = static_cast<int64_t>(firsts.size()), in_c = 8, width = 5;
  reference::Tensor weight = random_tensor({out_c, in_c, 1, 1}, 701);
  for (int64_t o = 0; o < out_c; ++o)
    weight.data[o * in_c] = firsts[o];
  reference::Tensor x({1, in_c, 1, width});
  for (int64_t j = 0; j < width; ++j)
    x.data[j] = 1.0;
  const auto y = ops::conv2d(test::to_device(x), test::to_device(weight), Tensor(), {}).to_host();
  const reference::Tensor kept = rounds_weights() ? reference::round_to_float16(weight) : weight;
  for (int64_t o = 0; o < out_c; ++o) {
    const auto want = static_cast<float>(kept.data[o * in_c]);
    const bool subnormal = rounds_weights() && std::abs(want) < 0x1p-14;
    for (int64_t j = 0; j < width; ++j) {
      const float got = y[o * width + j];
      EXPECT_TRUE(got == want || (subnormal && got == 0.0f))
          << "weight " << firsts[o] << ": got " << got << ", want " << want;
    }
  }
}

// The same with the input values as the single factor: rounded to float16 by the coop kernels.
TEST_P(ConvVariant, InputsKeepTheirPrecision) {
  const std::vector<double> firsts{
      1.0 + 0x1p-11, 1.0 + 3 * 0x1p-11, -0.1, 65519.0, 70000.0, 3e-8, 1e-5, -2.5e-8};
  const int64_t out_c = 5, in_c = 8, width = static_cast<int64_t>(firsts.size());
  reference::Tensor weight = random_tensor({out_c, in_c, 1, 1}, 711);
  for (int64_t o = 0; o < out_c; ++o)
    weight.data[o * in_c] = 1.0;
  reference::Tensor x({1, in_c, 1, width});
  for (int64_t j = 0; j < width; ++j)
    x.data[j] = firsts[j];
  const auto y = ops::conv2d(test::to_device(x), test::to_device(weight), Tensor(), {}).to_host();
  const bool rounded = rounding() == test::Rounding::weights_and_inputs;
  const reference::Tensor kept = rounded ? reference::round_to_float16(x) : x;
  for (int64_t j = 0; j < width; ++j) {
    const auto want = static_cast<float>(kept.data[j]);
    const bool subnormal = rounded && std::abs(want) < 0x1p-14;
    for (int64_t o = 0; o < out_c; ++o) {
      const float got = y[o * width + j];
      EXPECT_TRUE(got == want || (subnormal && got == 0.0f))
          << "input " << firsts[j] << ": got " << got << ", want " << want;
    }
  }
}

TEST_P(ConvVariant, OnlyRequestedGradientsAreComputed) {
  const auto x = random_tensor({2, 5, 6, 7}, 401), weight = random_tensor({3, 5, 3, 3}, 402);
  Tensor x_d = test::to_device(x), weight_d = leaf(weight);
  Tensor y = ops::conv2d(x_d, weight_d, Tensor(), {2, 1, ops::Padding::zeros});
  const auto r = random_tensor(y.shape(), 403);
  backward_from(y, r);
  EXPECT_FALSE(x_d.grad().defined());
  EXPECT_TRUE(
      test::close(weight_d.grad(), reference::conv2d_backward(x, weight, false, r, 2, 1).weight));
}

TEST_P(ConvVariant, ResultsAreBitwiseReproducible) {
  const auto x = random_tensor({2, 7, 9, 9}, 501), weight = random_tensor({5, 7, 3, 3}, 502);
  const auto r = random_tensor({2, 5, 9, 9}, 503);
  std::vector<std::vector<float>> runs;
  for (int run = 0; run < 2; ++run) {
    Tensor x_d = leaf(x), weight_d = leaf(weight);
    Tensor y = ops::conv2d(x_d, weight_d, Tensor(), {1, 1, ops::Padding::reflect});
    backward_from(y, r);
    auto values = y.to_host();
    for (const Tensor& grad : {x_d.grad(), weight_d.grad()}) {
      const auto g = grad.to_host();
      values.insert(values.end(), g.begin(), g.end());
    }
    runs.push_back(std::move(values));
  }
  EXPECT_EQ(runs[0], runs[1]);
}

// --no-fp16 (allow_half_weights(false)) rules the float16 kernels out even when one is forced:
// a one-product convolution then keeps a weight that float16 would round.
TEST(ConvFloat16Switch, RulesOutFloat16Kernels) {
  if (!ops::conv::half_weights(Runtime::get().device())) {
    GTEST_SKIP() << "the device has no 16-bit storage buffers, so no float16 kernel runs anyway";
  }
  const float weight = 1.0f + 0x1p-11f;  // float16 rounds it to 1
  const Tensor x = Tensor::full({1, 4, 3, 3}, 1.0f);
  std::vector<float> w(4 * 4, 0.0f);
  for (int o = 0; o < 4; ++o)
    w[o * 4] = weight;
  const Tensor w_d = Tensor::from_host({4, 4, 1, 1}, w);
  for (const char* variant : {"rows_half", "gemm_half", "tiled_half", "coop_emulated"}) {
    SCOPED_TRACE(variant);
    ops::conv::force_variant(variant);
    EXPECT_EQ(ops::conv2d(x, w_d, Tensor(), {}).to_host()[0], 1.0f) << "switched on";
    ops::conv::allow_half_weights(false);
    EXPECT_EQ(ops::conv2d(x, w_d, Tensor(), {}).to_host()[0], weight) << "switched off";
    ops::conv::allow_half_weights(true);
  }
  ops::conv::force_variant("");
}

TEST(ReflectionPad2d, ForwardAndGradient) {
  struct Case {
    std::vector<int64_t> shape;
    int pad;
  };
  // The last two have an interior (pixels without mirrored copies) as well as a border.
  const std::vector<Case> cases{{{1, 3, 5, 7}, 1},   {{2, 5, 4, 4}, 3},  {{1, 1, 2, 3}, 1},
                                {{2, 7, 9, 6}, 2},   {{1, 13, 3, 3}, 2}, {{1, 2, 6, 5}, 4},
                                {{2, 3, 16, 12}, 1}, {{1, 2, 13, 11}, 2}};
  uint64_t seed = 600;
  for (const auto& c : cases) {
    SCOPED_TRACE(to_string(c.shape) + " pad " + std::to_string(c.pad));
    const auto x = random_tensor(c.shape, seed += 10);
    Tensor x_d = leaf(x);
    Tensor y = ops::reflection_pad2d(x_d, c.pad);
    EXPECT_TRUE(test::close(y, reference::reflection_pad2d(x, c.pad)));
    const auto r = random_tensor(y.shape(), seed + 1);
    backward_from(y, r);
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
