#pragma once
// The convolution cases the conv op tests check every kernel variant on: a case's inputs, what the
// double-precision CPU reference makes of them, and the check of the engine's results. Shared by
// tests/engine/ops/test_conv.cpp and tests/nets/test_conv_layer_shapes.cpp (the presets' layer
// shapes, which need the nets library).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/autograd.hpp"
#include "engine/ops.hpp"
#include "engine/ops/conv_kernels.hpp"
#include "engine/runtime.hpp"
#include "tests/engine/ops/conv_variants.hpp"
#include "tests/engine/ops/device_grad.hpp"
#include "tests/support/compare.hpp"

namespace aegan::test {

using reference::random_tensor;

struct ConvCase {
  int64_t n, cin, h, w, cout;
  int k, stride, pad;
  bool bias;
  bool transposed;
  bool reflect;        // conv2d only
  int output_padding;  // conv_transpose2d only
};

inline std::string describe(const ConvCase& c) {
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

inline Expected expect(const ConvCase& c, uint64_t seed) {
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
inline void check(const ConvCase& c, const Expected& e, Rounding rounding) {
  SCOPED_TRACE(describe(c));
  Tensor x = leaf(e.x), weight = leaf(e.weight), bias = c.bias ? leaf(e.bias) : Tensor();
  Tensor y =
      c.transposed
          ? ops::conv_transpose2d(x, weight, bias, {c.stride, c.pad, c.output_padding})
          : ops::conv2d(x, weight, bias,
                        {c.stride, c.pad, c.reflect ? ops::Padding::reflect : ops::Padding::zeros});
  EXPECT_TRUE(rounding == Rounding::none      ? close(y, e.y)
              : rounding == Rounding::weights ? close_to_either(y, e.y_half, e.y)
                                              : close_to_either(y, e.y_coop, e.y))
      << "output";
  backward_with(y, e.r);
  EXPECT_TRUE(rounding == Rounding::weights ? close_to_either(x.grad(), e.grad_x_half, e.grads.x)
                                            : close(x.grad(), e.grads.x))
      << "input gradient";
  EXPECT_TRUE(close(weight.grad(), e.grads.weight)) << "weight gradient";
  if (c.bias) {
    EXPECT_TRUE(close(bias.grad(), e.grads.bias)) << "bias gradient";
  }
}

// Each test runs once per kernel variant of the table (forced even where the automatic choice
// would not take it), so every kernel is checked on every device the tests run on.
class ConvVariant : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const std::string reason = unavailable(GetParam(), Runtime::get().device());
    if (!reason.empty()) GTEST_SKIP() << reason;
    ops::conv::force_variant(GetParam());
  }
  void TearDown() override { ops::conv::force_variant(""); }
  Rounding rounding() const { return rounding_of(GetParam()); }
  bool rounds_weights() const { return rounding() != Rounding::none; }
};

// Names each instance of a ConvVariant suite by its variant.
inline std::string variant_name(const testing::TestParamInfo<std::string>& variant) {
  return variant.param;
}

// The references of a list of cases, computed once for all variants (they take longer than the
// GPU on a CPU device).
struct Checked {
  ConvCase c;
  Expected e;
};

inline std::vector<Checked> with_references(const std::vector<ConvCase>& cases, uint64_t seed) {
  std::vector<Checked> checked;
  for (const auto& c : cases)
    checked.push_back({c, expect(c, seed += 10)});
  return checked;
}

}  // namespace aegan::test
