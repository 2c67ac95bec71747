#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "engine/ops/random_hash.hpp"
#include "tests/engine/ops/device_grad.hpp"

namespace aegan {
namespace {

namespace ref = reference;
using test::close;

// Odd sizes, batch 1, channels not multiples of 4, a single element, and one rank-1 tensor
// larger than a workgroup grid row.
const std::vector<Shape> kShapes{{1, 3, 5, 7},  {2, 13, 9, 11}, {1, 1, 1, 1},
                                 {3, 5, 17, 2}, {4, 7},         {70001}};

struct Unary {
  const char* name;
  std::function<Tensor(const Tensor&)> op;
  std::function<ref::Tensor(const ref::Tensor&)> forward;
  std::function<ref::Tensor(const ref::Tensor&, const ref::Tensor&)> backward;
  double lo, hi;
};

std::vector<Unary> unary_ops() {
  return {
      {"relu", [](const Tensor& x) { return ops::relu(x); },
       [](const ref::Tensor& x) { return ref::relu(x); },
       [](const ref::Tensor& x, const ref::Tensor& g) { return ref::relu_backward(x, g); }, -2.0,
       2.0},
      {"leaky_relu", [](const Tensor& x) { return ops::leaky_relu(x, 0.2f); },
       [](const ref::Tensor& x) { return ref::leaky_relu(x, 0.2); },
       [](const ref::Tensor& x, const ref::Tensor& g) {
         return ref::leaky_relu_backward(x, g, 0.2);
       },
       -2.0, 2.0},
      {"tanh", [](const Tensor& x) { return ops::tanh(x); },
       [](const ref::Tensor& x) { return ref::tanh(x); },
       [](const ref::Tensor& x, const ref::Tensor& g) { return ref::tanh_backward(x, g); }, -3.0,
       3.0},
      {"sigmoid", [](const Tensor& x) { return ops::sigmoid(x); },
       [](const ref::Tensor& x) { return ref::sigmoid(x); },
       [](const ref::Tensor& x, const ref::Tensor& g) { return ref::sigmoid_backward(x, g); },
       -20.0, 20.0},
      // Up to e^10, so float32 rounding of large outputs is part of what is compared.
      {"exp", [](const Tensor& x) { return ops::exp(x); },
       [](const ref::Tensor& x) { return ref::exp(x); },
       [](const ref::Tensor& x, const ref::Tensor& g) { return ref::exp_backward(x, g); }, -10.0,
       10.0},
      // Small positive inputs, where the gradient 1 / (2 sqrt(x)) is large.
      {"sqrt", [](const Tensor& x) { return ops::sqrt(x); },
       [](const ref::Tensor& x) { return ref::sqrt(x); },
       [](const ref::Tensor& x, const ref::Tensor& g) { return ref::sqrt_backward(x, g); }, 1e-3,
       9.0},
  };
}

TEST(Pointwise, UnaryForwardAndBackwardMatchReference) {
  uint64_t seed = 100;
  for (const Unary& u : unary_ops()) {
    for (const Shape& shape : kShapes) {
      SCOPED_TRACE(std::string(u.name) + " " + to_string(shape));
      auto x = test::random(shape, ++seed, u.lo, u.hi);
      if (u.lo < 0.0) x.data[0] = 0.0;  // relu' and leaky_relu' follow PyTorch at the kink
      const auto r = test::random(shape, ++seed);
      Tensor dx = test::leaf(x);
      Tensor y = u.op(dx);
      EXPECT_TRUE(close(y, u.forward(x)));
      test::backward_with(y, r);
      EXPECT_TRUE(close(dx.grad(), u.backward(x, r)));
    }
  }
}

TEST(Pointwise, SaturatedTanhAndSigmoidAreExactAndFinite) {
  // Beyond about |x| = 9 (tanh) and 17 (sigmoid) float32 rounds the result to its limit; the
  // gradient, computed from the output as PyTorch does, is then exactly zero rather than NaN.
  const ref::Tensor x({6}, std::vector<double>{20.0, -20.0, 50.0, -50.0, 1e4, -1e4});
  const auto r = test::random({6}, 1);
  Tensor dt = test::leaf(x);
  Tensor t = ops::tanh(dt);
  EXPECT_EQ(t.to_host(), (std::vector<float>{1, -1, 1, -1, 1, -1}));
  test::backward_with(t, r);
  EXPECT_EQ(dt.grad().to_host(), std::vector<float>(6, 0.0f));

  Tensor ds = test::leaf(x);
  Tensor s = ops::sigmoid(ds);
  EXPECT_TRUE(close(s, ref::sigmoid(x)));
  EXPECT_EQ(s.to_host()[4], 1.0f);
  EXPECT_EQ(s.to_host()[5], 0.0f);
  test::backward_with(s, r);
  // True gradients here are below 3e-9.
  for (const float g : ds.grad().to_host())
    EXPECT_LE(std::abs(g), 3e-9f);
}

// Relative precision near 0, where the saturating form (1 - e) / (1 + e), e = exp(-2|x|),
// cancels (4 % off at 1e-6): small activations reach batch norms that scale them up again.
TEST(Pointwise, TanhIsAccurateForSmallInputs) {
  const std::vector<double> x = test::tanh_inputs();
  const std::vector<float> got =
      ops::tanh(test::to_device(ref::Tensor({static_cast<int64_t>(x.size())}, x))).to_host();
  for (size_t i = 0; i < x.size(); ++i) {
    SCOPED_TRACE(testing::Message() << "x = " << x[i]);
    EXPECT_LE(test::relative_error(got[i], std::tanh(x[i])), test::kTanhRelativeError);
  }
}

TEST(Pointwise, SqrtOfZeroHasInfiniteGradientAndExpSaturates) {
  const ref::Tensor zero({2}, std::vector<double>{0.0, 4.0});
  Tensor dz = test::leaf(zero);
  Tensor root = ops::sqrt(dz);
  EXPECT_EQ(root.to_host(), (std::vector<float>{0.0f, 2.0f}));
  ops::sum(root).backward();
  const auto g = dz.grad().to_host();
  EXPECT_TRUE(std::isinf(g[0]) && g[0] > 0.0f);
  EXPECT_EQ(g[1], 0.25f);
  EXPECT_TRUE(std::isnan(ops::sqrt(Tensor::full({1}, -1.0f)).to_host()[0]));

  const auto e =
      ops::exp(Tensor::from_host({3}, std::vector<float>{-200.0f, 0.0f, 200.0f})).to_host();
  EXPECT_EQ(e[0], 0.0f);
  EXPECT_EQ(e[1], 1.0f);
  EXPECT_TRUE(std::isinf(e[2]));
}

TEST(Pointwise, BinaryForwardAndBackwardMatchReference) {
  uint64_t seed = 200;
  for (const Shape& shape : kShapes) {
    SCOPED_TRACE(to_string(shape));
    const auto a = test::random(shape, ++seed), b = test::random(shape, ++seed);
    const auto r = test::random(shape, ++seed);
    const auto minus_r = ref::scale(r, -1.0);
    {
      Tensor da = test::leaf(a), db = test::leaf(b);
      Tensor y = ops::add(da, db);
      EXPECT_TRUE(close(y, ref::add(a, b)));
      test::backward_with(y, r);
      EXPECT_TRUE(close(da.grad(), r));
      EXPECT_TRUE(close(db.grad(), r));
    }
    {
      Tensor da = test::leaf(a), db = test::leaf(b);
      Tensor y = ops::sub(da, db);
      EXPECT_TRUE(close(y, ref::add(a, ref::scale(b, -1.0))));
      test::backward_with(y, r);
      EXPECT_TRUE(close(da.grad(), r));
      EXPECT_TRUE(close(db.grad(), minus_r));
    }
    {
      Tensor da = test::leaf(a), db = test::leaf(b);
      Tensor y = ops::mul(da, db);
      EXPECT_TRUE(close(y, ref::mul(a, b)));
      test::backward_with(y, r);
      const auto grads = ref::mul_backward(a, b, r);
      EXPECT_TRUE(close(da.grad(), grads.a));
      EXPECT_TRUE(close(db.grad(), grads.b));
    }
    {
      Tensor da = test::leaf(a);
      Tensor y = ops::scale(da, -1.75f);
      EXPECT_TRUE(close(y, ref::scale(a, -1.75)));
      test::backward_with(y, r);
      EXPECT_TRUE(close(da.grad(), ref::scale(r, -1.75)));
    }
  }
}

TEST(Pointwise, BinaryOpsRejectDifferentShapes) {
  Tensor a = Tensor::zeros({2, 3}), b = Tensor::zeros({3, 2});
  EXPECT_THROW(ops::add(a, b), Error);
  EXPECT_THROW(ops::mul(a, b), Error);
}

// The keep mask of a seeded dropout, as the host-side twin of the kernel's hash computes it.
ref::Tensor dropout_mask(const Shape& shape, uint64_t seed, float p) {
  ref::Tensor mask(shape);
  for (size_t i = 0; i < mask.data.size(); ++i)
    mask.data[i] = ops::dropout_keep(seed, static_cast<uint32_t>(i), p) ? 1.0 : 0.0;
  return mask;
}

TEST(Pointwise, DropoutMatchesReferenceWithTheHashMask) {
  uint64_t seed = 300;
  for (const float p : {0.5f, 0.2f}) {
    for (const Shape& shape : kShapes) {
      SCOPED_TRACE(to_string(shape) + " p " + std::to_string(p));
      const auto x = test::random(shape, ++seed), r = test::random(shape, ++seed);
      const uint64_t dropout_seed = 0x123456789abcdefull + seed;
      const auto mask = dropout_mask(shape, dropout_seed, p);
      Tensor dx = test::leaf(x);
      Tensor y = ops::dropout(dx, p, dropout_seed, true);
      EXPECT_TRUE(close(y, ref::dropout(x, mask, p)));
      test::backward_with(y, r);
      EXPECT_TRUE(close(dx.grad(), ref::dropout_backward(mask, r, p)));
    }
  }
}

TEST(Pointwise, DropoutMaskDependsOnlyOnTheSeed) {
  const Shape shape{4, 5, 33, 31};
  Tensor ones = Tensor::full(shape, 1.0f);
  const auto first = ops::dropout(ones, 0.5f, 42, true).to_host();
  const auto again = ops::dropout(ones, 0.5f, 42, true).to_host();
  const auto other = ops::dropout(ones, 0.5f, 43, true).to_host();
  EXPECT_EQ(first, again);
  size_t differ = 0, kept = 0;
  for (size_t i = 0; i < first.size(); ++i) {
    differ += first[i] != other[i];
    kept += first[i] != 0.0f;
  }
  // Independent masks disagree on about half the elements when p = 0.5.
  EXPECT_GT(differ, first.size() / 3);
  EXPECT_NEAR(static_cast<double>(kept) / static_cast<double>(first.size()), 0.5, 0.02);
}

TEST(Pointwise, DropoutKeepsAboutOneMinusP) {
  const Shape shape{200003};
  Tensor ones = Tensor::full(shape, 1.0f);
  for (const float p : {0.1f, 0.5f, 0.9f}) {
    const auto y = ops::dropout(ones, p, 7, true).to_host();
    size_t kept = 0;
    for (float v : y) {
      if (v != 0.0f) {
        ++kept;
        EXPECT_FLOAT_EQ(v, 1.0f / (1.0f - p));
      }
    }
    // Five standard deviations of a binomial with n = 200003.
    const double rate = static_cast<double>(kept) / static_cast<double>(y.size());
    EXPECT_NEAR(rate, 1.0 - p, 5.0 * std::sqrt(p * (1.0 - p) / static_cast<double>(y.size())));
  }
}

TEST(Pointwise, DropoutInEvalModeAndWithZeroProbabilityIsIdentity) {
  const auto x = test::random({2, 3, 5, 7}, 11);
  Tensor dx = test::leaf(x);
  Tensor eval = ops::dropout(dx, 0.5f, 1, false);
  EXPECT_EQ(eval.to_host(), ref::to_float(x));
  EXPECT_EQ(ops::dropout(dx, 0.0f, 1, true).to_host(), ref::to_float(x));
  ops::sum(eval).backward();
  EXPECT_TRUE(close(dx.grad(), ref::Tensor(x.shape, 1.0)));
  EXPECT_THROW(ops::dropout(dx, 1.0f, 1, true), Error);
  EXPECT_THROW(ops::dropout(dx, -0.1f, 1, true), Error);
}

}  // namespace
}  // namespace aegan
