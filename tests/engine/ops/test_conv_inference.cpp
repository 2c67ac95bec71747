// conv2d_inference and conv_transpose2d_inference (convolution, BN in evaluation and activation
// in one kernel) against the double-precision CPU references, with each kernel variant forced in
// turn (forcing one that does not fuse leaves the choice to those that do). The _half kernels
// multiply by the folded weights rounded to float16, the coop kernels also by inputs so rounded.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "engine/ops.hpp"
#include "engine/ops/conv_kernels.hpp"
#include "engine/runtime.hpp"
#include "tests/engine/ops/conv_variants.hpp"
#include "tests/support/compare.hpp"

namespace aegan {
namespace {

using reference::random_tensor;

struct InferenceCase {
  bool transposed;
  int64_t n, cin, size, cout;
  int k, stride, pad;
  bool bias, reflect;
  ops::Activation activation;
  int output_padding = 0;  // transposed only
};

std::string describe(const InferenceCase& c) {
  return std::string(c.transposed ? "conv_transpose2d" : "conv2d") + " n " + std::to_string(c.n) +
         " cin " + std::to_string(c.cin) + " size " + std::to_string(c.size) + " cout " +
         std::to_string(c.cout) + " k " + std::to_string(c.k) + " stride " +
         std::to_string(c.stride) + " pad " + std::to_string(c.pad) + (c.bias ? " bias" : "") +
         (c.reflect ? " reflect" : "") + " activation " +
         std::to_string(static_cast<int>(c.activation)) + " output_padding " +
         std::to_string(c.output_padding);
}

constexpr double kSlope = 0.2;

reference::Tensor activate(const reference::Tensor& x, ops::Activation activation) {
  switch (activation) {
    case ops::Activation::relu:
      return reference::relu(x);
    case ops::Activation::leaky_relu:
      return reference::leaky_relu(x, kSlope);
    case ops::Activation::tanh:
      return reference::tanh(x);
    case ops::Activation::none:
      break;
  }
  return x;
}

// Parameters of the BN and the convolution, on the device and as references.
struct Layer {
  reference::Tensor x, weight, bias, gamma, beta, mean, var;
  Tensor device_x, device_weight, device_bias;
  ops::BatchNormEval bn;

  Layer(const InferenceCase& c, uint64_t seed) {
    x = random_tensor({c.n, c.cin, c.size, c.size}, seed);
    weight = random_tensor(c.transposed ? std::vector<int64_t>{c.cin, c.cout, c.k, c.k}
                                        : std::vector<int64_t>{c.cout, c.cin, c.k, c.k},
                           seed + 1);
    if (c.bias) bias = random_tensor({c.cout}, seed + 2);
    gamma = random_tensor({c.cout}, seed + 3, 0.5, 1.5);
    beta = random_tensor({c.cout}, seed + 4);
    mean = random_tensor({c.cout}, seed + 5);
    var = random_tensor({c.cout}, seed + 6, 0.2, 2.0);
    device_x = test::to_device(x);
    device_weight = test::to_device(weight);
    if (c.bias) device_bias = test::to_device(bias);
    bn = {test::to_device(gamma), test::to_device(beta), test::to_device(mean),
          test::to_device(var), 1e-5f};
  }

  reference::Tensor conv(const InferenceCase& c, const reference::Tensor& w,
                         const reference::Tensor& b, const reference::Tensor& input) const {
    return c.transposed
               ? reference::conv_transpose2d(input, w, b, c.stride, c.pad, c.output_padding)
               : reference::conv2d(
                     input, w, b, c.stride, c.pad,
                     c.reflect ? reference::Padding::reflect : reference::Padding::zeros);
  }

  // The unfused layer, with weights `w` and input `input` (the layer's own by default).
  reference::Tensor expected(const InferenceCase& c, const reference::Tensor* w = nullptr,
                             const reference::Tensor* input = nullptr) const {
    return activate(reference::batch_norm2d_eval(conv(c, w ? *w : weight, bias, input ? *input : x),
                                                 gamma, beta, mean, var, 1e-5),
                    c.activation);
  }

  // BN folded into the convolution, w * scale and (b - mean) * scale + beta per output channel
  // with scale = gamma / sqrt(var + eps), and the folded weights (with `rounding` of
  // weights_and_inputs the input too) rounded to float16.
  reference::Tensor expected_rounded(const InferenceCase& c, test::Rounding rounding) const {
    reference::Tensor folded = weight, shift({c.cout});
    const int64_t taps = int64_t{c.k} * c.k;
    for (int64_t i = 0; i < folded.numel(); ++i) {
      const int64_t o = c.transposed ? (i / taps) % c.cout : i / (c.cin * taps);
      folded.data[i] *= gamma.data[o] / std::sqrt(var.data[o] + 1e-5);
    }
    for (int64_t o = 0; o < c.cout; ++o) {
      const double scale = gamma.data[o] / std::sqrt(var.data[o] + 1e-5);
      shift.data[o] = ((c.bias ? bias.data[o] : 0.0) - mean.data[o]) * scale + beta.data[o];
    }
    const reference::Tensor input =
        rounding == test::Rounding::weights_and_inputs ? reference::round_to_float16(x) : x;
    return activate(conv(c, reference::round_to_float16(folded), shift, input), c.activation);
  }

  testing::AssertionResult matches(const InferenceCase& c, test::Rounding rounding) const {
    return rounding == test::Rounding::none
               ? test::close(run(c), expected(c))
               : test::close_to_either(run(c), expected_rounded(c, rounding), expected(c));
  }

  Tensor run(const InferenceCase& c) const {
    const ops::Epilogue epilogue{bn, c.activation, static_cast<float>(kSlope)};
    if (c.transposed) {
      return ops::conv_transpose2d_inference(device_x, device_weight, device_bias,
                                             {c.stride, c.pad, c.output_padding}, epilogue);
    }
    return ops::conv2d_inference(
        device_x, device_weight, device_bias,
        {c.stride, c.pad, c.reflect ? ops::Padding::reflect : ops::Padding::zeros}, epilogue);
  }
};

class ConvInference : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const std::string reason = test::unavailable(GetParam(), Runtime::get().device());
    if (!reason.empty()) GTEST_SKIP() << reason;
    ops::conv::force_variant(GetParam());
  }
  void TearDown() override { ops::conv::force_variant(""); }
  // What the forced kernel rounds (one that cannot run a shape gives float32 results).
  test::Rounding rounding() const { return test::rounding_of(GetParam()); }
};

TEST_P(ConvInference, MatchesConvolutionBatchNormAndActivation) {
  using A = ops::Activation;
  const std::vector<InferenceCase> cases{
      {false, 1, 3, 9, 5, 3, 1, 1, false, false, A::relu},
      {false, 2, 5, 11, 7, 4, 2, 1, true, false, A::leaky_relu},
      {false, 1, 4, 7, 13, 3, 1, 1, false, true, A::none},
      {false, 3, 6, 6, 3, 4, 2, 1, true, false, A::tanh},
      {true, 1, 5, 5, 6, 4, 2, 1, false, false, A::relu},
      {true, 2, 7, 3, 4, 3, 2, 1, true, false, A::tanh},
      {true, 1, 9, 1, 16, 4, 1, 0, false, false, A::leaky_relu},
      {true, 1, 4, 4, 3, 4, 2, 1, true, false, A::none},
      // DE-GAN's ConvT5 (kernel 5, stride 2, padding 2, output_padding 1), and stride 3.
      {true, 2, 6, 4, 5, 5, 2, 2, false, false, A::relu, 1},
      {true, 1, 7, 3, 3, 5, 2, 2, true, false, A::tanh, 1},
      {true, 1, 4, 3, 6, 3, 3, 1, true, false, A::leaky_relu, 2},
  };
  uint64_t seed = 100;
  for (const InferenceCase& c : cases) {
    SCOPED_TRACE(describe(c));
    const Layer layer(c, seed += 10);
    EXPECT_TRUE(layer.matches(c, rounding()));
  }
}

// The folded weights are kept per version of every input: changing the BN statistics or the
// weights in place must change the result.
TEST_P(ConvInference, FollowsInPlaceChangesOfWeightsAndStatistics) {
  const InferenceCase c{false, 1, 5, 8, 6, 3, 1, 1, true, false, ops::Activation::leaky_relu};
  Layer layer(c, 7);
  EXPECT_TRUE(layer.matches(c, rounding()));
  layer.mean = random_tensor({c.cout}, 70);
  layer.bn.running_mean.upload(std::vector<float>(layer.mean.data.begin(), layer.mean.data.end()));
  EXPECT_TRUE(layer.matches(c, rounding())) << "new running mean";
  layer.weight = random_tensor({c.cout, c.cin, c.k, c.k}, 71);
  layer.device_weight.upload(
      std::vector<float>(layer.weight.data.begin(), layer.weight.data.end()));
  EXPECT_TRUE(layer.matches(c, rounding())) << "new weights";
  layer.bias = random_tensor({c.cout}, 72);
  layer.device_bias.upload(std::vector<float>(layer.bias.data.begin(), layer.bias.data.end()));
  EXPECT_TRUE(layer.matches(c, rounding())) << "new bias";
}

// Where an input needs a gradient the result must be recorded (the unfused ops run).
TEST_P(ConvInference, RecordsWhereGradientsAreNeeded) {
  const InferenceCase c{false, 1, 3, 6, 4, 3, 1, 1, false, false, ops::Activation::relu};
  Layer layer(c, 9);
  layer.device_weight.set_requires_grad(true);
  const Tensor y = layer.run(c);
  // Unfused: the forced kernel rounds the convolution's weights (and input), not BN's scale.
  const reference::Tensor rounded_weight = reference::round_to_float16(layer.weight);
  const reference::Tensor rounded_x = reference::round_to_float16(layer.x);
  const bool inputs = rounding() == test::Rounding::weights_and_inputs;
  EXPECT_TRUE(rounding() == test::Rounding::none
                  ? test::close(y, layer.expected(c))
                  : test::close_to_either(
                        y, layer.expected(c, &rounded_weight, inputs ? &rounded_x : nullptr),
                        layer.expected(c)));
  ASSERT_TRUE(y.grad_fn() != nullptr);
  ops::sum(y).backward();
  EXPECT_TRUE(layer.device_weight.grad().defined());
}

// A tanh epilogue keeps float32's relative precision for small outputs, where a saturating
// exp form cancels: conv2d_inference as the identity (a 1x1 weight of 1, BN with scale 1).
TEST_P(ConvInference, TanhIsAccurateForSmallOutputs) {
  const std::vector<double> x = test::tanh_inputs();
  const int64_t n = static_cast<int64_t>(x.size());
  const reference::Tensor input({1, 1, 1, n}, x);
  const ops::BatchNormEval identity{Tensor::full({1}, 1.0f), Tensor::full({1}, 0.0f),
                                    Tensor::full({1}, 0.0f), Tensor::full({1}, 1.0f), 0.0f};
  const Tensor y =
      ops::conv2d_inference(test::to_device(input), Tensor::full({1, 1, 1, 1}, 1.0f), Tensor(),
                            {1, 0, ops::Padding::zeros}, {identity, ops::Activation::tanh, 0.0f});
  // A float16 kernel may round its input first.
  const reference::Tensor rounded = reference::round_to_float16(input);
  const std::vector<float> got = y.to_host();
  for (int64_t i = 0; i < n; ++i) {
    SCOPED_TRACE(testing::Message() << "x = " << x[i]);
    const double error = std::min(test::relative_error(got[i], std::tanh(x[i])),
                                  rounding() == test::Rounding::weights_and_inputs
                                      ? test::relative_error(got[i], std::tanh(rounded.data[i]))
                                      : 1.0);
    EXPECT_LE(error, test::kTanhRelativeError);
  }
}

INSTANTIATE_TEST_SUITE_P(Kernels, ConvInference, ::testing::ValuesIn(ops::conv::variant_names()));

TEST(ConvInferenceErrors, BatchNormOfTheWrongSizeIsRejected) {
  const InferenceCase c{false, 1, 3, 6, 4, 3, 1, 1, false, false, ops::Activation::none};
  Layer layer(c, 3);
  layer.bn.running_var = Tensor::full({5}, 1.0f);
  EXPECT_THROW(layer.run(c), Error);
}

}  // namespace
}  // namespace aegan
