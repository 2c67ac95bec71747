#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>

#include "tests/engine/ops/device_grad.hpp"

namespace aegan {
namespace {

namespace ref = reference;
using test::close;

const std::vector<Shape> kShapes{{1, 1, 1, 1},  {1, 3, 5, 7},  {2, 13, 9, 11},
                                 {16, 1, 1, 1}, {3, 5, 17, 2}, {100003}};

// Gradient of the loss, so backward scales by something other than one.
constexpr float kGradOut = 1.75f;

TEST(Loss, L1ForwardAndBackwardMatchReference) {
  uint64_t seed = 500;
  for (const Shape& shape : kShapes) {
    SCOPED_TRACE(to_string(shape));
    const auto p = test::random(shape, ++seed);
    auto t = test::random(shape, ++seed);
    t.data[0] = p.data[0];  // |p - t| = 0 has gradient 0
    Tensor dp = test::leaf(p), dt = test::leaf(t);
    Tensor loss = ops::l1_loss(dp, dt);
    EXPECT_TRUE(close(loss, test::scalar(ref::l1_loss(p, t))));
    ops::scale(loss, kGradOut).backward();
    const auto want = ref::l1_loss_backward(p, t, kGradOut);
    EXPECT_TRUE(close(dp.grad(), want));
    EXPECT_TRUE(close(dt.grad(), ref::scale(want, -1.0)));
    EXPECT_EQ(dp.grad().to_host()[0], 0.0f);
  }
}

TEST(Loss, L1WithConstantTargetLeavesItWithoutGradient) {
  const auto p = test::random({2, 3, 4, 5}, 1), t = test::random({2, 3, 4, 5}, 2);
  Tensor dp = test::leaf(p), dt = test::to_device(t);
  ops::l1_loss(dp, dt).backward();
  EXPECT_TRUE(close(dp.grad(), ref::l1_loss_backward(p, t, 1.0)));
  EXPECT_FALSE(dt.grad().defined());
}

TEST(Loss, MseForwardAndBackwardMatchReference) {
  uint64_t seed = 550;
  for (const Shape& shape : kShapes) {
    SCOPED_TRACE(to_string(shape));
    const auto p = test::random(shape, ++seed, -3.0, 3.0), t = test::random(shape, ++seed);
    Tensor dp = test::leaf(p), dt = test::leaf(t);
    Tensor loss = ops::mse_loss(dp, dt);
    EXPECT_TRUE(close(loss, test::scalar(ref::mse_loss(p, t))));
    ops::scale(loss, kGradOut).backward();
    const auto want = ref::mse_loss_backward(p, t, kGradOut);
    EXPECT_TRUE(close(dp.grad(), want));
    EXPECT_TRUE(close(dt.grad(), ref::scale(want, -1.0)));
  }
}

TEST(Loss, MseWithConstantTargetLeavesItWithoutGradient) {
  const auto p = test::random({2, 3, 4, 5}, 3), t = test::random({2, 3, 4, 5}, 4);
  Tensor dp = test::leaf(p), dt = test::to_device(t);
  ops::mse_loss(dp, dt).backward();
  EXPECT_TRUE(close(dp.grad(), ref::mse_loss_backward(p, t, 1.0)));
  EXPECT_FALSE(dt.grad().defined());
}

// Logits in [-8, 8] with some at +-1e4 (where exp overflows unless computed stably) and targets
// mixing random values with exact 0, 1 and 0.3.
std::pair<ref::Tensor, ref::Tensor> bce_inputs(const Shape& shape, uint64_t seed) {
  auto x = test::random(shape, seed, -8.0, 8.0);
  auto t = test::random(shape, seed + 1, 0.0, 1.0);
  const double special_logits[] = {1e4, -1e4, 0.0, 30.0, -30.0, 1000.0, -90.0};
  const double special_targets[] = {0.0, 1.0, static_cast<double>(0.3f)};
  for (size_t i = 0; i < x.data.size(); i += 3) {
    x.data[i] = special_logits[(i / 3) % 7];
    t.data[i] = special_targets[(i / 3) % 3];
  }
  return {x, t};
}

TEST(Loss, BceWithLogitsForwardAndBackwardMatchReference) {
  uint64_t seed = 600;
  for (const Shape& shape : kShapes) {
    SCOPED_TRACE(to_string(shape));
    const auto [x, t] = bce_inputs(shape, seed += 2);
    Tensor dx = test::leaf(x), dt = test::leaf(t);
    Tensor loss = ops::bce_with_logits(dx, dt);
    EXPECT_TRUE(close(loss, test::scalar(ref::bce_with_logits(x, t))));
    ops::scale(loss, kGradOut).backward();
    EXPECT_TRUE(close(dx.grad(), ref::bce_with_logits_backward(x, t, kGradOut)));
    // d/dt = -x / N.
    EXPECT_TRUE(close(dt.grad(), ref::scale(x, -kGradOut / static_cast<double>(x.numel()))));
  }
}

TEST(Loss, BceWithLogitsOfExtremeLogitsIsExact) {
  // Confident and right: loss 0 exactly. Confident and wrong: loss |x| exactly.
  const ref::Tensor x({4}, std::vector<double>{1e4, -1e4, 1e4, -1e4});
  const ref::Tensor t({4}, std::vector<double>{1.0, 0.0, 0.0, 1.0});
  Tensor dx = test::leaf(x);
  Tensor loss = ops::bce_with_logits(dx, test::to_device(t));
  EXPECT_EQ(loss.item(), 5000.0f);
  loss.backward();
  EXPECT_EQ(dx.grad().to_host(), (std::vector<float>{0.0f, 0.0f, 0.25f, -0.25f}));
  EXPECT_EQ(ops::bce_with_logits(test::to_device(x), 0.0f).item(), 5000.0f);
  EXPECT_EQ(ops::bce_with_logits(test::to_device(x), 1.0f).item(), 5000.0f);
}

TEST(Loss, BceWithLogitsOfSmallLossesKeepsTheirDigits) {
  // Every element contributes log1p(exp(-|x|)) alone, down to 1e-9: the case a naive log(1 + e)
  // gets wrong.
  const ref::Tensor x({6}, std::vector<double>{3.0, 6.0, 10.0, 15.0, 20.0, -20.0});
  const ref::Tensor t({6}, std::vector<double>{1.0, 1.0, 1.0, 1.0, 1.0, 0.0});
  Tensor loss = ops::bce_with_logits(test::to_device(x), test::to_device(t));
  EXPECT_TRUE(close(loss, test::scalar(ref::bce_with_logits(x, t))));
  const ref::Tensor tiny({2}, std::vector<double>{20.0, 18.0});
  Tensor small = ops::bce_with_logits(test::to_device(tiny), 1.0f);
  EXPECT_TRUE(close(small, test::scalar(ref::bce_with_logits(tiny, ref::Tensor({2}, 1.0)))));
}

TEST(Loss, BceWithScalarTargetMatchesReference) {
  uint64_t seed = 700;
  for (const Shape& shape : kShapes) {
    for (const float target : {0.0f, 1.0f, 0.3f}) {
      SCOPED_TRACE(to_string(shape) + " target " + std::to_string(target));
      const auto x = bce_inputs(shape, ++seed).first;
      const ref::Tensor t(shape, static_cast<double>(target));
      Tensor dx = test::leaf(x);
      Tensor loss = ops::bce_with_logits(dx, target);
      EXPECT_TRUE(close(loss, test::scalar(ref::bce_with_logits(x, t))));
      ops::scale(loss, kGradOut).backward();
      EXPECT_TRUE(close(dx.grad(), ref::bce_with_logits_backward(x, t, kGradOut)));
    }
  }
}

TEST(Loss, LossesRejectMismatchedShapes) {
  Tensor a = Tensor::zeros({2, 3}), b = Tensor::zeros({3, 2});
  EXPECT_THROW(ops::l1_loss(a, b), Error);
  EXPECT_THROW(ops::mse_loss(a, b), Error);
  EXPECT_THROW(ops::bce_with_logits(a, b), Error);
}

// The flag a training step gates its optimisers with, against std::isfinite: set by any NaN or
// infinity wherever it stands, not by the largest finite float, denormals or -0; once set it stays
// set.
TEST(Loss, FlagNonFiniteMatchesIsFinite) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const float finite[] = {std::numeric_limits<float>::max(), -std::numeric_limits<float>::max(),
                          std::numeric_limits<float>::denorm_min(), -0.0f, 0.0f};
  for (const Shape& shape : kShapes) {
    SCOPED_TRACE(to_string(shape));
    const auto base = test::random(shape, 700);
    std::vector<float> values(base.data.begin(), base.data.end());
    for (size_t i = 0; i < values.size(); i += 7)
      values[i] = finite[(i / 7) % 5];
    const size_t n = values.size();
    for (float special : {0.0f, nan, -nan, inf, -inf}) {
      for (size_t at : {size_t{0}, n / 2, n - 1}) {
        std::vector<float> changed = values;
        if (special != 0.0f) changed[at] = special;  // 0: the values as they are
        bool want = false;
        for (float value : changed)
          want = want || !std::isfinite(value);
        const Tensor flag = Tensor::zeros({1});
        ops::flag_non_finite(Tensor::from_host(shape, changed), flag);
        EXPECT_EQ(std::bit_cast<uint32_t>(flag.item()) != 0, want) << special << " at " << at;
      }
    }
    const Tensor set = Tensor::zeros({1});
    ops::flag_non_finite(Tensor::full({1}, inf), set);
    ops::flag_non_finite(Tensor::from_host(shape, values), set);
    EXPECT_NE(std::bit_cast<uint32_t>(set.item()), 0u);
  }
  EXPECT_THROW(ops::flag_non_finite(Tensor::zeros({3}), Tensor::zeros({2})), Error);
}

}  // namespace
}  // namespace aegan
