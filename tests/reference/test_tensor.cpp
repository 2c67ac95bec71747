#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/reference/reference.hpp"
#include "tests/reference/test_util.hpp"

namespace aegan::reference {
namespace {

using testing::expect_gradient;

TEST(ReferenceTensor, ConstructionAndIndexing) {
  Tensor t({2, 3, 4, 5}, 1.5);
  EXPECT_EQ(t.numel(), 120);
  EXPECT_EQ(t.data.size(), 120u);
  EXPECT_EQ(t.data[7], 1.5);
  t.at(1, 2, 3, 4) = 9.0;
  EXPECT_EQ(t.data.back(), 9.0);
  t.at(1, 0, 2, 1) = 7.0;
  EXPECT_EQ(t.data[((1 * 3 + 0) * 4 + 2) * 5 + 1], 7.0);
  EXPECT_THROW(t.at(2, 0, 0, 0), std::out_of_range);
  EXPECT_THROW(Tensor({3}).at(0, 0, 0, 0), std::invalid_argument);
  EXPECT_THROW(Tensor({2, 2}, std::vector<double>{1, 2, 3}), std::invalid_argument);

  const Tensor none;
  EXPECT_EQ(none.numel(), 0);
  EXPECT_TRUE(none.empty());
}

TEST(ReferenceTensor, RandomIsDeterministicAndInRange) {
  const Tensor a = random_tensor({3, 5, 7}, 42, -2.0, 0.5);
  EXPECT_EQ(a.data, random_tensor({3, 5, 7}, 42, -2.0, 0.5).data);
  EXPECT_NE(a.data, random_tensor({3, 5, 7}, 43, -2.0, 0.5).data);
  for (double v : a.data) {
    EXPECT_GE(v, -2.0);
    EXPECT_LT(v, 0.5);
  }
  // A uniform sample of 10^4 values has mean 0 within ~0.01.
  EXPECT_NEAR(mean(random_tensor({10000}, 7)), 0.0, 0.03);
  const Tensor mask = random_mask({10000}, 8, 0.3);
  for (double v : mask.data)
    EXPECT_TRUE(v == 0.0 || v == 1.0);
  EXPECT_NEAR(mean(mask), 0.7, 0.03);
}

TEST(ReferenceTensor, FloatConversion) {
  const Tensor t = from_float({1, 2}, {0.25f, -3.0f});
  EXPECT_EQ(t.shape, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(t.data, (std::vector<double>{0.25, -3.0}));
  EXPECT_EQ(to_float(t), (std::vector<float>{0.25f, -3.0f}));
}

TEST(ReferenceTensor, RoundToFloat16) {
  // A tie rounds to even (down, then up), the largest finite value, the first value that rounds
  // to infinity, the smallest subnormal, and 0.1 (inexact).
  const Tensor x({7}, {1.0 + 0x1p-11, 1.0 + 3 * 0x1p-11, 65519.0, 65520.0, 3e-8, -3e-8, 0.1});
  const Tensor r = round_to_float16(x);
  EXPECT_EQ(r.data[0], 1.0);
  EXPECT_EQ(r.data[1], 1.0 + 0x1p-9);
  EXPECT_EQ(r.data[2], 65504.0);
  EXPECT_TRUE(std::isinf(r.data[3]));
  EXPECT_EQ(r.data[4], 0x1p-24);
  EXPECT_EQ(r.data[5], -0x1p-24);
  EXPECT_EQ(r.data[6], 0.0999755859375);
}

TEST(ReferenceConcat, ByHand) {
  const Tensor a({1, 1, 2, 1}, {1, 2});
  const Tensor b({1, 1, 2, 2}, {3, 4, 5, 6});
  const Tensor w = concat({a, b}, 3);  // interleaves rows
  EXPECT_EQ(w.shape, (std::vector<int64_t>{1, 1, 2, 3}));
  EXPECT_EQ(w.data, (std::vector<double>{1, 3, 4, 2, 5, 6}));
  const Tensor c = concat({Tensor({1, 1, 1, 2}, {1, 2}), Tensor({1, 2, 1, 2}, {3, 4, 5, 6})}, 1);
  EXPECT_EQ(c.shape, (std::vector<int64_t>{1, 3, 1, 2}));
  EXPECT_EQ(c.data, (std::vector<double>{1, 2, 3, 4, 5, 6}));
  EXPECT_THROW(concat({a, b}, 1), std::invalid_argument);
  EXPECT_THROW(concat({a, b}, 4), std::invalid_argument);
}

TEST(ReferenceConcat, BackwardMatchesFiniteDifferences) {
  for (int dim : {0, 1, 2, 3}) {
    std::vector<std::vector<int64_t>> shapes(3, std::vector<int64_t>{2, 3, 2, 3});
    shapes[0][dim] = 1;
    shapes[2][dim] = 2;
    std::vector<Tensor> parts;
    for (size_t i = 0; i < shapes.size(); ++i)
      parts.push_back(random_tensor(shapes[i], 100 + i));
    const Tensor r = random_tensor(concat(parts, dim).shape, 110);
    const std::vector<Tensor> grads = concat_backward(r, shapes, dim);
    ASSERT_EQ(grads.size(), parts.size());
    for (size_t i = 0; i < parts.size(); ++i) {
      expect_gradient(
          grads[i],
          [&](const Tensor& t) {
            std::vector<Tensor> probe = parts;
            probe[i] = t;
            return dot(concat(probe, dim), r);
          },
          parts[i], "dim " + std::to_string(dim) + " part " + std::to_string(i));
    }
  }
}

TEST(ReferenceAdam, MatchesHandComputedSteps) {
  Tensor p({1}, 1.0), m({1}, 0.0), v({1}, 0.0);
  // Step 1: m_hat = g and v_hat = g^2, so the step is lr * g / (|g| + eps).
  adam_step(p, m, v, Tensor({1}, 0.5), 1, 0.1, 0.9, 0.999, 1e-8);
  EXPECT_NEAR(m.data[0], 0.05, 1e-15);
  EXPECT_NEAR(v.data[0], 0.00025, 1e-15);
  EXPECT_NEAR(p.data[0], 1.0 - 0.1 * 0.5 / (0.5 + 1e-8), 1e-15);
  // Step 2 with g = -1: m = -0.055, v = 0.00124975; m_hat = -0.055 / 0.19,
  // v_hat = 0.00124975 / 0.001999.
  adam_step(p, m, v, Tensor({1}, -1.0), 2, 0.1, 0.9, 0.999, 1e-8);
  EXPECT_NEAR(m.data[0], -0.055, 1e-15);
  EXPECT_NEAR(v.data[0], 0.00124975, 1e-15);
  EXPECT_NEAR(p.data[0], 0.9366103542405654, 1e-12);
}

TEST(ReferenceAdam, EpsIsAddedAfterTheSquareRoot) {
  Tensor p({1}, 0.0), m({1}, 0.0), v({1}, 0.0);
  adam_step(p, m, v, Tensor({1}, 0.5), 1, 1.0, 0.5, 0.999, 1.0);
  EXPECT_DOUBLE_EQ(p.data[0], -0.5 / (0.5 + 1.0));  // not 0.5 / sqrt(0.25 + 1)
}

TEST(ReferenceNumeric, GradientOfCubic) {
  const Tensor x = random_tensor({2, 3}, 120, -2.0, 2.0);
  const Tensor g = numeric_gradient(
      [](const Tensor& t) {
        double s = 0.0;
        for (double v : t.data)
          s += v * v * v;
        return s;
      },
      x);
  for (size_t i = 0; i < x.data.size(); ++i)
    EXPECT_NEAR(g.data[i], 3 * x.data[i] * x.data[i], 1e-8);
}

TEST(ReferenceNumeric, ErrorMeasures) {
  const Tensor want({3}, {1.0, -2.0, 0.5});
  EXPECT_DOUBLE_EQ(max_abs_diff(want, Tensor({3}, {1.5, -2.0, 0.25})), 0.5);
  EXPECT_DOUBLE_EQ(relative_error(std::vector<float>{1.5f, -2.0f, 0.5f}, want), 0.25);
  EXPECT_DOUBLE_EQ(relative_error(Tensor({3}, {1.0, -2.0, 0.5}), want), 0.0);
  EXPECT_DOUBLE_EQ(relative_error(std::vector<float>{0.0f}, Tensor({1}, 0.0)), 0.0);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(std::isnan(relative_error(Tensor({3}, {nan, -2.0, 0.5}), want)));
  EXPECT_TRUE(std::isnan(max_abs_diff(Tensor({3}, {1.0, nan, 0.5}), want)));
  EXPECT_THROW(relative_error(std::vector<float>{1.0f}, want), std::invalid_argument);
}

TEST(ReferenceTensorGrad, UpsampleNearest2x) {
  const Tensor x = random_tensor({2, 3, 5, 4}, 187);
  const Tensor r = random_tensor({2, 3, 10, 8}, 188);
  expect_gradient(
      upsample_nearest2x_backward(r),
      [&](const Tensor& t) { return dot(upsample_nearest2x(t), r); }, x, "upsample_nearest2x");
}

TEST(ReferenceTensor, UpsampleNearest2xByHand) {
  const Tensor y = upsample_nearest2x(Tensor({1, 1, 1, 2}, {1.0, 2.0}));
  EXPECT_EQ(y.shape, (std::vector<int64_t>{1, 1, 2, 4}));
  EXPECT_EQ(y.data, (std::vector<double>{1, 1, 2, 2, 1, 1, 2, 2}));
  EXPECT_EQ(upsample_nearest2x_backward(y).data, (std::vector<double>{4, 8}));
}

TEST(ReferenceTensorGrad, TileSpatial) {
  for (const std::vector<int64_t>& shape :
       {std::vector<int64_t>{2, 3}, std::vector<int64_t>{3, 2, 1, 1}}) {
    const Tensor x = random_tensor(shape, 189);
    const Tensor r = random_tensor({shape[0], shape[1], 3, 3}, 190);
    expect_gradient(
        tile_spatial_backward(r, shape),
        [&](const Tensor& t) { return dot(tile_spatial(t, 3), r); }, x, "tile_spatial");
  }
}

TEST(ReferenceTensor, TileSpatialByHand) {
  const Tensor y = tile_spatial(Tensor({1, 2}, {1.0, -2.0}), 2);
  EXPECT_EQ(y.shape, (std::vector<int64_t>{1, 2, 2, 2}));
  EXPECT_EQ(y.data, (std::vector<double>{1, 1, 1, 1, -2, -2, -2, -2}));
  EXPECT_EQ(tile_spatial_backward(y, {1, 2}).data, (std::vector<double>{4, -8}));
  EXPECT_THROW(tile_spatial(Tensor({1, 2, 2, 1}), 2), std::invalid_argument);
}

}  // namespace
}  // namespace aegan::reference
