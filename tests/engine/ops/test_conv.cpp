// conv2d, conv_transpose2d and reflection_pad2d against the double-precision CPU references:
// forward and every gradient, for every kernel variant of the convolution table.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "tests/engine/ops/conv_check.hpp"

namespace aegan {
namespace {

using namespace test;

INSTANTIATE_TEST_SUITE_P(Kernels, ConvVariant, testing::ValuesIn(ops::conv::variant_names()),
                         variant_name);

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
          // DE-GAN's ConvT5 (kernel 5, stride 2, padding 2, output_padding 1 doubles the size),
          // at batch 1 and on a non-square input, and output_padding 2 of stride 3.
          {1, 6, 4, 4, 5, 5, 2, 2, true, true, false, 1},
          {2, 3, 5, 3, 4, 5, 2, 2, false, true, false, 1},
          {1, 16, 16, 16, 3, 5, 2, 2, true, true, false, 1},
          {2, 4, 3, 5, 7, 4, 3, 1, true, true, false, 2},
      },
      200);
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
  backward_with(y, r);
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
    backward_with(y, r);
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
    backward_with(y, r);
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
  EXPECT_THROW(ops::conv_transpose2d(x, Tensor::zeros({3, 4, 3, 3}), Tensor(), {1, 0, 1}), Error);
  EXPECT_THROW(ops::conv_transpose2d(x, Tensor::zeros({3, 4, 3, 3}), Tensor(), {2, 0, -1}), Error);
  EXPECT_THROW(ops::reflection_pad2d(x, 5), Error);
  EXPECT_THROW(ops::reflection_pad2d(Tensor::zeros({3, 5, 5}), 1), Error);
}

}  // namespace
}  // namespace aegan
