#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "tests/reference/reference.hpp"
#include "tests/reference/test_util.hpp"

namespace aegan::reference {
namespace {

using testing::expect_gradient;

// ---- conv2d: gradients
// ---------------------------------------------------------------------------

struct ConvCase {
  int64_t n, cin, cout, h, w, k;
  int stride, pad;
  Padding mode;
  bool bias;
};

std::string conv_case_name(const ::testing::TestParamInfo<ConvCase>& info) {
  const ConvCase& c = info.param;
  return "n" + std::to_string(c.n) + "_c" + std::to_string(c.cin) + "to" + std::to_string(c.cout) +
         "_" + std::to_string(c.h) + "x" + std::to_string(c.w) + "_k" + std::to_string(c.k) + "s" +
         std::to_string(c.stride) + "p" + std::to_string(c.pad) +
         (c.mode == Padding::reflect ? "_reflect" : "_zeros") + (c.bias ? "_bias" : "_nobias");
}

class ReferenceConv2dGrad : public ::testing::TestWithParam<ConvCase> {};

TEST_P(ReferenceConv2dGrad, MatchesFiniteDifferences) {
  const ConvCase c = GetParam();
  const Tensor x = random_tensor({c.n, c.cin, c.h, c.w}, 11);
  const Tensor weight = random_tensor({c.cout, c.cin, c.k, c.k}, 12);
  const Tensor bias = c.bias ? random_tensor({c.cout}, 13) : Tensor();
  const Tensor y = conv2d(x, weight, bias, c.stride, c.pad, c.mode);
  ASSERT_EQ(y.shape, (std::vector<int64_t>{c.n, c.cout, (c.h + 2 * c.pad - c.k) / c.stride + 1,
                                           (c.w + 2 * c.pad - c.k) / c.stride + 1}));
  const Tensor r = random_tensor(y.shape, 14);
  const ConvGrads g = conv2d_backward(x, weight, c.bias, r, c.stride, c.pad, c.mode);

  expect_gradient(
      g.x,
      [&](const Tensor& t) { return dot(conv2d(t, weight, bias, c.stride, c.pad, c.mode), r); }, x,
      "grad x");
  expect_gradient(
      g.weight,
      [&](const Tensor& t) { return dot(conv2d(x, t, bias, c.stride, c.pad, c.mode), r); }, weight,
      "grad weight");
  if (c.bias) {
    expect_gradient(
        g.bias,
        [&](const Tensor& t) { return dot(conv2d(x, weight, t, c.stride, c.pad, c.mode), r); },
        bias, "grad bias");
  } else {
    EXPECT_TRUE(g.bias.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, ReferenceConv2dGrad,
    ::testing::Values(ConvCase{1, 3, 5, 5, 7, 3, 1, 1, Padding::zeros, true},
                      ConvCase{2, 3, 5, 5, 7, 3, 1, 1, Padding::reflect, false},  // ResBlock conv
                      ConvCase{2, 5, 3, 7, 5, 4, 2, 1, Padding::zeros, false},    // down conv
                      ConvCase{1, 3, 5, 5, 7, 4, 2, 1, Padding::reflect, true},
                      ConvCase{2, 3, 3, 5, 7, 1, 1, 0, Padding::zeros, true},
                      ConvCase{1, 5, 3, 6, 5, 3, 2, 2, Padding::reflect, true},
                      ConvCase{2, 3, 5, 5, 7, 3, 2, 2, Padding::zeros, false},
                      ConvCase{1, 5, 1, 4, 4, 4, 1, 0, Padding::zeros, true},  // head: 4x4 -> 1x1
                      ConvCase{2, 3, 5, 7, 5, 3, 1, 2, Padding::reflect, false},
                      ConvCase{1, 3, 3, 5, 7, 4, 2, 0, Padding::zeros, true},  // floor drops a row
                      ConvCase{2, 5, 3, 5, 5, 1, 2, 1, Padding::reflect, false}),
    conv_case_name);

// ---- conv_transpose2d: gradients
// -----------------------------------------------------------------

struct ConvTCase {
  int64_t n, cin, cout, h, w, k;
  int stride, pad, output_padding;
  bool bias;
};

std::string convt_case_name(const ::testing::TestParamInfo<ConvTCase>& info) {
  const ConvTCase& c = info.param;
  return "n" + std::to_string(c.n) + "_c" + std::to_string(c.cin) + "to" + std::to_string(c.cout) +
         "_" + std::to_string(c.h) + "x" + std::to_string(c.w) + "_k" + std::to_string(c.k) + "s" +
         std::to_string(c.stride) + "p" + std::to_string(c.pad) + "op" +
         std::to_string(c.output_padding) + (c.bias ? "_bias" : "_nobias");
}

class ReferenceConvTranspose2dGrad : public ::testing::TestWithParam<ConvTCase> {};

TEST_P(ReferenceConvTranspose2dGrad, MatchesFiniteDifferences) {
  const ConvTCase c = GetParam();
  const int s = c.stride, p = c.pad, op = c.output_padding;
  const Tensor x = random_tensor({c.n, c.cin, c.h, c.w}, 21);
  const Tensor weight = random_tensor({c.cin, c.cout, c.k, c.k}, 22);
  const Tensor bias = c.bias ? random_tensor({c.cout}, 23) : Tensor();
  const Tensor y = conv_transpose2d(x, weight, bias, s, p, op);
  ASSERT_EQ(y.shape, (std::vector<int64_t>{c.n, c.cout, (c.h - 1) * s - 2 * p + c.k + op,
                                           (c.w - 1) * s - 2 * p + c.k + op}));
  const Tensor r = random_tensor(y.shape, 24);
  const ConvGrads g = conv_transpose2d_backward(x, weight, c.bias, r, s, p, op);

  expect_gradient(
      g.x, [&](const Tensor& t) { return dot(conv_transpose2d(t, weight, bias, s, p, op), r); }, x,
      "grad x");
  expect_gradient(
      g.weight, [&](const Tensor& t) { return dot(conv_transpose2d(x, t, bias, s, p, op), r); },
      weight, "grad weight");
  if (c.bias) {
    expect_gradient(
        g.bias, [&](const Tensor& t) { return dot(conv_transpose2d(x, weight, t, s, p, op), r); },
        bias, "grad bias");
  } else {
    EXPECT_TRUE(g.bias.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, ReferenceConvTranspose2dGrad,
                         ::testing::Values(ConvTCase{1, 3, 5, 3, 5, 4, 2, 1, 0, true},  // up conv
                                           ConvTCase{2, 5, 3, 3, 4, 4, 2, 1, 1, false},
                                           ConvTCase{2, 3, 5, 1, 1, 4, 1, 0, 0, false},  // up0
                                           ConvTCase{1, 3, 5, 3, 5, 3, 1, 1, 0, true},
                                           ConvTCase{2, 3, 3, 5, 7, 1, 1, 0, 0, true},
                                           ConvTCase{1, 5, 3, 2, 3, 3, 2, 2, 1, false},
                                           ConvTCase{2, 3, 5, 3, 3, 3, 2, 0, 1, true},
                                           ConvTCase{1, 3, 5, 4, 3, 4, 2, 2, 0, false}),
                         convt_case_name);

// ---- forward values by hand
// -----------------------------------------------------------------------

// x = [[1 2 3] [4 5 6] [7 8 9]] as 1x1x3x3.
Tensor nine() {
  return Tensor({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
}

TEST(ReferenceConv2d, CentreTapKernelIsIdentity) {
  const Tensor w({1, 1, 3, 3}, {0, 0, 0, 0, 1, 0, 0, 0, 0});
  EXPECT_EQ(conv2d(nine(), w, Tensor(), 1, 1).data, nine().data);
  EXPECT_EQ(conv2d(nine(), w, Tensor(), 1, 1, Padding::reflect).data, nine().data);
}

TEST(ReferenceConv2d, BoxKernelByHand) {
  const Tensor ones({1, 1, 3, 3}, 1.0);
  const Tensor y_valid = conv2d(nine(), ones, Tensor({1}, {0.5}), 1, 0);
  EXPECT_EQ(y_valid.shape, (std::vector<int64_t>{1, 1, 1, 1}));
  EXPECT_DOUBLE_EQ(y_valid.data[0], 45.5);

  const Tensor y_zeros = conv2d(nine(), ones, Tensor(), 1, 1);
  EXPECT_DOUBLE_EQ(y_zeros.at(0, 0, 0, 0), 1 + 2 + 4 + 5);
  EXPECT_DOUBLE_EQ(y_zeros.at(0, 0, 1, 1), 45);
  EXPECT_DOUBLE_EQ(y_zeros.at(0, 0, 2, 1), 4 + 5 + 6 + 7 + 8 + 9);

  // Reflection mirrors about the edge pixel: row -1 is row 1, column -1 is column 1.
  const Tensor y_reflect = conv2d(nine(), ones, Tensor(), 1, 1, Padding::reflect);
  EXPECT_DOUBLE_EQ(y_reflect.at(0, 0, 0, 0), 5 + 4 + 5 + 2 + 1 + 2 + 5 + 4 + 5);

  const Tensor y_stride = conv2d(nine(), ones, Tensor(), 2, 1);
  EXPECT_EQ(y_stride.shape, (std::vector<int64_t>{1, 1, 2, 2}));
  EXPECT_EQ(y_stride.data, (std::vector<double>{12, 16, 24, 28}));
}

TEST(ReferenceConv2d, ChannelLayoutIsOIHW) {
  const Tensor x({1, 2, 1, 1}, {2, 3});
  const Tensor w({3, 2, 1, 1}, {1, 0, 0, 1, 1, -1});  // w[o][c]
  EXPECT_EQ(conv2d(x, w, Tensor({3}, {10, 20, 30}), 1, 0).data, (std::vector<double>{12, 23, 29}));
}

TEST(ReferenceConv2d, ReflectEqualsExplicitPadThenValidConv) {
  const Tensor x = random_tensor({2, 3, 5, 7}, 31);
  const Tensor w = random_tensor({4, 3, 3, 3}, 32);
  const Tensor b = random_tensor({4}, 33);
  for (int stride : {1, 2}) {
    for (int pad : {1, 2}) {
      const Tensor direct = conv2d(x, w, b, stride, pad, Padding::reflect);
      const Tensor padded = conv2d(reflection_pad2d(x, pad), w, b, stride, 0);
      EXPECT_LE(max_abs_diff(direct, padded), 1e-14) << "stride " << stride << " pad " << pad;
    }
  }
}

TEST(ReferenceConv2d, RejectsBadShapes) {
  const Tensor x = random_tensor({1, 3, 5, 5}, 1);
  EXPECT_THROW(conv2d(x, random_tensor({4, 2, 3, 3}, 2), Tensor(), 1, 1), std::invalid_argument);
  EXPECT_THROW(conv2d(x, random_tensor({4, 3, 3, 3}, 2), Tensor({3}), 1, 1), std::invalid_argument);
  EXPECT_THROW(conv2d(x, random_tensor({4, 3, 3, 3}, 2), Tensor(), 1, 5, Padding::reflect),
               std::invalid_argument);
  EXPECT_THROW(
      conv2d_backward(x, random_tensor({4, 3, 3, 3}, 2), false, Tensor({1, 4, 4, 4}), 1, 1),
      std::invalid_argument);
}

TEST(ReferenceConvTranspose2d, ScattersKernelByHand) {
  const Tensor x({1, 1, 2, 2}, {1, 2, 3, 4});
  const Tensor ones({1, 1, 2, 2}, 1.0);
  // Stride 1: overlapping windows add up.
  EXPECT_EQ(conv_transpose2d(x, ones, Tensor(), 1, 0).data,
            (std::vector<double>{1, 3, 2, 4, 10, 6, 3, 7, 4}));
  // Stride 2 = kernel: each input pixel becomes a 2x2 block.
  EXPECT_EQ(conv_transpose2d(x, ones, Tensor(), 2, 0).data,
            (std::vector<double>{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}));
  // Output padding adds a bottom row and right column that only the bias reaches.
  const Tensor y = conv_transpose2d(x, ones, Tensor({1}, {0.5}), 2, 0, 1);
  ASSERT_EQ(y.shape, (std::vector<int64_t>{1, 1, 5, 5}));
  for (int64_t i = 0; i < 5; ++i) {
    EXPECT_DOUBLE_EQ(y.at(0, 0, 4, i), 0.5);
    EXPECT_DOUBLE_EQ(y.at(0, 0, i, 4), 0.5);
  }
  EXPECT_DOUBLE_EQ(y.at(0, 0, 3, 3), 4.5);
  // Padding crops the full output: pad 1 on the stride-1 result keeps its centre.
  EXPECT_EQ(conv_transpose2d(x, Tensor({1, 1, 3, 3}, 1.0), Tensor(), 1, 1).data,
            (std::vector<double>{10, 10, 10, 10}));
}

TEST(ReferenceConvTranspose2d, ChannelLayoutIsInOutHW) {
  const Tensor x({1, 2, 1, 1}, {2, 3});
  const Tensor w({2, 3, 1, 1}, {1, 0, 1, 0, 1, -1});  // w[c][o]
  EXPECT_EQ(conv_transpose2d(x, w, Tensor(), 1, 0).data, (std::vector<double>{2, 3, -1}));
}

// A transposed convolution is, by definition, the adjoint of the convolution with the same weight
// tensor, i.e. conv2d's input gradient. This checks the forward pass independently of the loops.
TEST(ReferenceConvTranspose2d, IsAdjointOfConv2d) {
  struct Case {
    int64_t h, w, k;
    int stride, pad;
  };
  for (const Case c : {Case{7, 5, 4, 2, 1}, Case{8, 8, 4, 2, 1}, Case{5, 6, 3, 1, 1},
                       Case{6, 4, 3, 2, 2}, Case{4, 4, 4, 1, 0}}) {
    const Tensor x = random_tensor({2, 3, c.h, c.w}, 41);
    const Tensor w = random_tensor({5, 3, c.k, c.k}, 42);  // conv: 3 -> 5, convT: 5 -> 3
    const Tensor y = conv2d(x, w, Tensor(), c.stride, c.pad);
    const Tensor g = random_tensor(y.shape, 43);
    // output_padding recovers the rows and columns that conv2d's floor dropped.
    const int op_h = static_cast<int>((c.h + 2 * c.pad - c.k) % c.stride);
    const int op_w = static_cast<int>((c.w + 2 * c.pad - c.k) % c.stride);
    ASSERT_EQ(op_h, op_w) << "the API takes one output_padding for both axes";
    const Tensor t = conv_transpose2d(g, w, Tensor(), c.stride, c.pad, op_h);
    const ConvGrads grads = conv2d_backward(x, w, false, g, c.stride, c.pad);
    ASSERT_EQ(t.shape, x.shape);
    EXPECT_LE(max_abs_diff(t, grads.x), 1e-13);
  }
}

TEST(ReferenceConvTranspose2d, RejectsBadArguments) {
  const Tensor x = random_tensor({1, 3, 2, 2}, 1);
  EXPECT_THROW(conv_transpose2d(x, random_tensor({2, 3, 4, 4}, 2), Tensor(), 2, 1),
               std::invalid_argument);
  EXPECT_THROW(conv_transpose2d(x, random_tensor({3, 2, 4, 4}, 2), Tensor(), 1, 1, 1),
               std::invalid_argument);
  EXPECT_THROW(conv_transpose2d(x, random_tensor({3, 2, 4, 4}, 2), Tensor({3}), 2, 1),
               std::invalid_argument);
}

// ---- reflection padding
// ---------------------------------------------------------------------------

TEST(ReferenceReflectionPad2d, ByHand) {
  const Tensor x({1, 1, 2, 3}, {1, 2, 3, 4, 5, 6});
  const Tensor y = reflection_pad2d(x, 1);
  ASSERT_EQ(y.shape, (std::vector<int64_t>{1, 1, 4, 5}));
  EXPECT_EQ(y.data, (std::vector<double>{5, 4, 5, 6, 5,  //
                                         2, 1, 2, 3, 2,  //
                                         5, 4, 5, 6, 5,  //
                                         2, 1, 2, 3, 2}));
  EXPECT_THROW(reflection_pad2d(x, 2), std::invalid_argument);
}

TEST(ReferenceReflectionPad2d, BackwardMatchesFiniteDifferences) {
  for (int pad : {1, 2}) {
    for (const std::vector<int64_t>& shape :
         {std::vector<int64_t>{1, 3, 5, 7}, std::vector<int64_t>{2, 5, 3, 3}}) {
      const Tensor x = random_tensor(shape, 51);
      const Tensor r = random_tensor(reflection_pad2d(x, pad).shape, 52);
      expect_gradient(
          reflection_pad2d_backward(r, shape, pad),
          [&](const Tensor& t) { return dot(reflection_pad2d(t, pad), r); }, x,
          "pad " + std::to_string(pad));
    }
  }
}

}  // namespace
}  // namespace aegan::reference
