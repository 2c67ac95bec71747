#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "engine/autograd.hpp"
#include "engine/ops.hpp"

namespace aegan {
namespace {

Tensor leaf(const Shape& shape, std::vector<float> values) {
  Tensor t = Tensor::from_host(shape, values);
  t.set_requires_grad(true);
  return t;
}

TEST(Autograd, SharedSubExpressionGetsBothContributions) {
  // L = sum(u * u + u) with u = a * b: dL/da = (2u + 1) * b, dL/db = (2u + 1) * a.
  Tensor a = leaf({3}, {1.5f, -2.0f, 0.25f});
  Tensor b = leaf({3}, {-0.5f, 3.0f, 4.0f});
  Tensor u = ops::mul(a, b);
  Tensor loss = ops::sum(ops::add(ops::mul(u, u), u));
  loss.backward();
  const std::vector<float> av{1.5f, -2.0f, 0.25f}, bv{-0.5f, 3.0f, 4.0f};
  const auto ga = a.grad().to_host(), gb = b.grad().to_host();
  for (size_t i = 0; i < 3; ++i) {
    const float ui = av[i] * bv[i];
    EXPECT_NEAR(ga[i], (2 * ui + 1) * bv[i], 1e-5);
    EXPECT_NEAR(gb[i], (2 * ui + 1) * av[i], 1e-5);
  }
}

TEST(Autograd, GradientsAccumulateAcrossBackwardCalls) {
  Tensor x = leaf({2}, {1.0f, 2.0f});
  ops::sum(ops::scale(x, 3.0f)).backward();
  ops::sum(ops::scale(x, 4.0f)).backward();
  EXPECT_EQ(x.grad().to_host(), (std::vector<float>{7.0f, 7.0f}));
  x.zero_grad();
  ops::sum(ops::scale(x, 2.0f)).backward();
  EXPECT_EQ(x.grad().to_host(), (std::vector<float>{2.0f, 2.0f}));
}

TEST(Autograd, EachLeafIsReportedOnceWithItsWholeGradient) {
  // L = sum(a * b) + sum(a * c) + sum(c): a's gradient (b + c) comes from two ops, so it must
  // not be reported before both have added theirs; d needs no gradient and is never reported.
  Tensor a = leaf({2}, {1.0f, 2.0f});
  Tensor b = leaf({2}, {3.0f, -4.0f});
  Tensor c = leaf({2}, {0.5f, 6.0f});
  const Tensor d = Tensor::from_host({2}, std::vector<float>{7.0f, 8.0f});
  Tensor loss = ops::add(ops::add(ops::sum(ops::mul(a, b)), ops::sum(ops::mul(a, c))),
                         ops::sum(ops::add(c, d)));
  std::vector<const TensorImpl*> order;
  std::vector<std::vector<float>> at_report;
  loss.backward([&](const Tensor& done) {
    order.push_back(done.impl());
    at_report.push_back(done.grad().to_host());
  });
  ASSERT_EQ(order.size(), 3u);
  for (const Tensor* t : {&a, &b, &c}) {
    const auto found = std::find(order.begin(), order.end(), t->impl());
    ASSERT_NE(found, order.end());
    EXPECT_EQ(at_report[static_cast<size_t>(found - order.begin())], t->grad().to_host());
  }
  EXPECT_EQ(a.grad().to_host(), (std::vector<float>{3.5f, 2.0f}));
  EXPECT_EQ(c.grad().to_host(), (std::vector<float>{2.0f, 3.0f}));

  // The same graph reports its leaves in the same order.
  Tensor again = ops::add(ops::add(ops::sum(ops::mul(a, b)), ops::sum(ops::mul(a, c))),
                          ops::sum(ops::add(c, d)));
  std::vector<const TensorImpl*> second;
  again.backward([&](const Tensor& done) { second.push_back(done.impl()); });
  EXPECT_EQ(second, order);
}

TEST(Autograd, NoGradAndDetachStopRecording) {
  Tensor x = leaf({2}, {1.0f, -1.0f});
  {
    NoGradGuard no_grad;
    Tensor y = ops::relu(x);
    EXPECT_FALSE(y.requires_grad());
  }
  Tensor d = x.detach();
  EXPECT_FALSE(d.requires_grad());
  // Only the path through x counts: d * 5 is a constant.
  Tensor loss = ops::sum(ops::add(ops::scale(x, 2.0f), ops::scale(d, 5.0f)));
  loss.backward();
  EXPECT_EQ(x.grad().to_host(), (std::vector<float>{2.0f, 2.0f}));
}

TEST(Autograd, ReshapeRoutesGradientBackInOriginalShape) {
  Tensor x = leaf({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor y =
      ops::mul(x.reshape({3, 2}), Tensor::from_host({3, 2}, std::vector<float>{1, 2, 3, 4, 5, 6}));
  ops::sum(y).backward();
  EXPECT_EQ(x.grad().shape(), (Shape{2, 3}));
  EXPECT_EQ(x.grad().to_host(), (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

TEST(Autograd, BackwardTwiceThroughFreedGraphIsAnError) {
  Tensor x = leaf({1}, {2.0f});
  Tensor loss = ops::sum(ops::mul(x, x));
  loss.backward();
  EXPECT_THROW(loss.backward(), Error);
}

TEST(Autograd, BackwardNeedsAScalar) {
  Tensor x = leaf({2}, {1.0f, 2.0f});
  EXPECT_THROW(ops::scale(x, 2.0f).backward(), Error);
  EXPECT_THROW(Tensor::zeros({1}).backward(), Error);
}

TEST(Autograd, DeepChainDoesNotOverflowTheStack) {
  Tensor x = leaf({1}, {1.0f});
  Tensor y = x;
  for (int i = 0; i < 20000; ++i)
    y = ops::scale(y, 1.0f);
  ops::sum(y).backward();
  EXPECT_EQ(x.grad().item(), 1.0f);
}

}  // namespace
}  // namespace aegan
