#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "engine/ops.hpp"
#include "engine/optim/adam.hpp"
#include "tests/reference/reference.hpp"
#include "tests/support/compare.hpp"

namespace aegan {
namespace {

constexpr double kBeta1 = 0.5, kBeta2 = 0.999;

Tensor leaf(const reference::Tensor& values) {
  Tensor t = test::to_device(values);
  t.set_requires_grad(true);
  return t;
}

// Ten steps on parameters of odd sizes with fresh gradients each step, against the double
// reference, including a learning-rate change halfway. The parameter of shape [7] has no gradient
// at steps 3 and 7, so its own step count lags (as in PyTorch); one parameter never gets one.
// Parameters of up to 1024 values share a dispatch (1024 and 1025 are either side of it).
TEST(Adam, MatchesReferenceOverTenSteps) {
  const std::vector<Shape> shapes{{1}, {7}, {10, 100}, {1, 17, 241}, {32, 32}, {1025}, {3, 5}};
  std::vector<reference::Tensor> want, m, v;
  std::vector<int64_t> counts(shapes.size(), 0);
  std::vector<Tensor> params;
  for (size_t i = 0; i < shapes.size(); ++i) {
    want.push_back(reference::random_tensor(shapes[i], 100 + i));
    m.emplace_back(shapes[i]);
    v.emplace_back(shapes[i]);
    params.push_back(leaf(want.back()));
  }
  const reference::Tensor frozen_values = reference::random_tensor({5, 3}, 7);
  Tensor frozen = leaf(frozen_values);
  params.push_back(frozen);

  double lr = 1e-2, eps = 1e-8;
  optim::Adam adam(params, {.lr = lr, .beta1 = kBeta1, .beta2 = kBeta2, .eps = eps});
  for (int64_t t = 1; t <= 10; ++t) {
    if (t == 6) {
      lr = 3e-3;
      adam.set_lr(lr);
    }
    if (t == 8) {  // small gradients follow: a larger eps changes the update visibly
      eps = 1e-3;
      adam.set_options({.lr = lr, .beta1 = kBeta1, .beta2 = kBeta2, .eps = eps});
    }
    adam.zero_grad();
    for (size_t i = 0; i < shapes.size(); ++i) {
      if (i == 1 && (t == 3 || t == 7)) continue;
      // Gradients of varying scale, so that the second moment's correction matters.
      const double scale = t % 3 == 0 ? 0.01 : 1.0;
      const reference::Tensor grad =
          reference::random_tensor(shapes[i], 1000 * static_cast<uint64_t>(t) + i, -scale, scale);
      params[i].set_grad(test::to_device(grad));
      reference::adam_step(want[i], m[i], v[i], grad, ++counts[i], lr, kBeta1, kBeta2, eps);
    }
    adam.step();
  }
  counts.push_back(0);  // the frozen parameter
  EXPECT_EQ(adam.steps(), counts);
  EXPECT_EQ(counts[1], 8);
  for (size_t i = 0; i < shapes.size(); ++i) {
    EXPECT_LT(test::max_abs_error(params[i], want[i]), 1e-6)
        << "parameter " << to_string(shapes[i]);
    EXPECT_TRUE(test::close(adam.exp_avg()[i], m[i], 1e-5));
    EXPECT_TRUE(test::close(adam.exp_avg_sq()[i], v[i], 1e-5));
  }
  const auto untouched = frozen.to_host();
  for (size_t i = 0; i < untouched.size(); ++i)
    ASSERT_EQ(untouched[i], static_cast<float>(frozen_values.data[i]));
  for (float value : adam.exp_avg().back().to_host())
    ASSERT_EQ(value, 0.0f);
}

TEST(Adam, ZeroGradClearsEveryGradient) {
  Tensor a = leaf(reference::random_tensor({3}, 1)), b = leaf(reference::random_tensor({4}, 2));
  optim::Adam adam({a, b}, {.lr = 1e-3});
  a.set_grad(Tensor::full({3}, 1.0f));
  b.set_grad(Tensor::full({4}, 1.0f));
  adam.zero_grad();
  EXPECT_FALSE(a.grad().defined());
  EXPECT_FALSE(b.grad().defined());
}

// A checkpoint holds the moments and the step count; restoring them into a fresh optimiser
// continues exactly where the first one was.
TEST(Adam, RestoredStateContinuesBitwiseIdentically) {
  const Shape shape{2, 3, 5, 7};
  const reference::Tensor initial = reference::random_tensor(shape, 3);
  auto grad_at = [&](int64_t t) {
    return test::to_device(reference::random_tensor(shape, 50 + t));
  };
  Tensor straight = leaf(initial), resumed = leaf(initial);
  optim::Adam first({straight}, {.lr = 2e-4});
  std::vector<float> m, v;
  std::vector<int64_t> steps;
  for (int64_t t = 1; t <= 8; ++t) {
    straight.set_grad(grad_at(t));
    first.step();
    if (t == 4) {  // checkpoint through host memory
      resumed.copy_from(straight);
      m = first.exp_avg()[0].to_host();
      v = first.exp_avg_sq()[0].to_host();
      steps = first.steps();
    }
  }
  optim::Adam after({resumed}, {.lr = 2e-4});
  after.exp_avg()[0].upload(m);                         // restore by copying in ...
  after.exp_avg_sq()[0] = Tensor::from_host(shape, v);  // ... or by replacing
  after.set_steps(steps);
  for (int64_t t = 5; t <= 8; ++t) {
    resumed.set_grad(grad_at(t));
    after.step();
  }
  const auto a = straight.to_host(), b = resumed.to_host();
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0);
  EXPECT_EQ(after.steps(), std::vector<int64_t>{8});
}

std::vector<uint32_t> bits(const Tensor& t) {
  const auto values = t.to_host();
  std::vector<uint32_t> out(values.size());
  std::memcpy(out.data(), values.data(), values.size() * sizeof(float));
  return out;
}

// Parameters and both moments of every parameter of `adam`, bit for bit.
std::vector<std::vector<uint32_t>> state_bits(optim::Adam& adam) {
  std::vector<std::vector<uint32_t>> state;
  for (size_t i = 0; i < adam.parameters().size(); ++i) {
    state.push_back(bits(adam.parameters()[i]));
    state.push_back(bits(adam.exp_avg()[i]));
    state.push_back(bits(adam.exp_avg_sq()[i]));
  }
  return state;
}

// A step gated by a set flag (set on the device by a non-finite value) leaves every parameter
// and moment as it was, in the shared dispatch of small parameters and in the single ones with
// and without vec4s alike; the counts it advanced on the host, once put back, make the next step
// continue bitwise as an optimiser that never saw the skipped one. A clear flag changes nothing.
TEST(Adam, SkipFlagLeavesParametersAndMomentsAsTheyWere) {
  const std::vector<Shape> shapes{{7}, {1025}, {2, 1024}};
  std::vector<Tensor> gated_params, plain_params;
  for (size_t i = 0; i < shapes.size(); ++i) {
    const reference::Tensor initial = reference::random_tensor(shapes[i], 20 + i);
    gated_params.push_back(leaf(initial));
    plain_params.push_back(leaf(initial));
  }
  const optim::AdamOptions options{.lr = 1e-2, .beta1 = kBeta1, .beta2 = kBeta2, .eps = 1e-8};
  optim::Adam gated(gated_params, options), plain(plain_params, options);
  auto set_gradients = [&](uint64_t seed) {
    for (size_t i = 0; i < shapes.size(); ++i) {
      const Tensor grad = test::to_device(reference::random_tensor(shapes[i], seed + i));
      gated_params[i].set_grad(grad);
      plain_params[i].set_grad(grad);
    }
  };
  const Tensor clear = Tensor::zeros({1});
  for (uint64_t t = 1; t <= 2; ++t) {
    set_gradients(100 * t);
    gated.step(clear);
    plain.step();
    ASSERT_EQ(state_bits(gated), state_bits(plain)) << "step " << t;
  }

  const Tensor set = Tensor::zeros({1});
  ops::flag_non_finite(Tensor::full({1}, std::nanf("")), set);
  set_gradients(300);
  const auto before = state_bits(gated);
  const std::vector<int64_t> counts = gated.steps();
  gated.step(set);
  EXPECT_EQ(state_bits(gated), before);
  EXPECT_EQ(gated.steps(), (std::vector<int64_t>{3, 3, 3}));  // counted on the host at once
  gated.set_steps(counts);

  set_gradients(400);
  gated.step(clear);
  plain.step();
  EXPECT_EQ(state_bits(gated), state_bits(plain));
  EXPECT_EQ(gated.steps(), plain.steps());
  EXPECT_THROW(gated.step(Tensor::zeros({2})), Error);
}

TEST(Adam, RejectsBadInput) {
  Tensor p = leaf(reference::random_tensor({3}, 1));
  EXPECT_THROW(optim::Adam({p}, {.lr = -1.0}), Error);
  EXPECT_THROW(optim::Adam({p}, {.lr = 1e-3, .beta1 = 1.0}), Error);
  EXPECT_THROW(optim::Adam({Tensor::zeros({3})}, {.lr = 1e-3}), Error);
  EXPECT_THROW(optim::Adam({p, p}, {.lr = 1e-3}), Error);
  optim::Adam adam({p}, {.lr = 1e-3});
  EXPECT_THROW(adam.set_lr(std::nan("")), Error);
  p.set_grad(Tensor::zeros({4}));
  EXPECT_THROW(adam.step(), Error);
  EXPECT_EQ(adam.steps(), std::vector<int64_t>{0});
  EXPECT_THROW(adam.set_steps({1, 2}), Error);
  EXPECT_THROW(adam.set_options({.lr = 1e-3, .eps = -1.0}), Error);
  adam.exp_avg()[0] = Tensor::zeros({2});
  p.set_grad(Tensor::zeros({3}));
  EXPECT_THROW(adam.step(), Error);
}

}  // namespace
}  // namespace aegan
