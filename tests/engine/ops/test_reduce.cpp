#include <gtest/gtest.h>

#include "engine/ops/reduce.hpp"
#include "tests/engine/ops/device_grad.hpp"

namespace aegan {
namespace {

namespace ref = reference;
using test::close;

// Includes one element, odd sizes, and more elements than one pass of the tree reduces (so the
// reduction takes several rounds). Values in [0, 1) keep the sums away from zero, where a
// relative error would measure only cancellation.
const std::vector<Shape> kShapes{{1},  {1, 1, 1, 1},   {1, 3, 5, 7}, {2, 13, 9, 11},
                                 {17}, {4, 5, 67, 71}, {3000001}};

TEST(Reduce, SumAndMeanForwardAndBackwardMatchReference) {
  uint64_t seed = 400;
  for (const Shape& shape : kShapes) {
    SCOPED_TRACE(to_string(shape));
    const auto x = test::random(shape, ++seed, 0.0, 1.0);
    Tensor dx = test::leaf(x);
    Tensor s = ops::sum(dx);
    EXPECT_TRUE(close(s, test::scalar(ref::sum(x))));
    ops::scale(s, 2.5f).backward();
    EXPECT_TRUE(close(dx.grad(), ref::Tensor(shape, 2.5)));

    Tensor dm = test::leaf(x);
    Tensor m = ops::mean(dm);
    EXPECT_TRUE(close(m, test::scalar(ref::mean(x))));
    ops::scale(m, -3.0f).backward();
    EXPECT_TRUE(close(dm.grad(), ref::Tensor(shape, -3.0 / static_cast<double>(x.numel()))));
  }
}

TEST(Reduce, SignedValuesSumAccurately) {
  // Mixed signs: the tolerance is relative to the sum, so use values whose sum is not tiny.
  const auto x = test::random({1000003}, 9, -1.0, 1.5);
  EXPECT_TRUE(close(ops::sum(test::to_device(x)), test::scalar(ref::sum(x))));
  EXPECT_TRUE(close(ops::mean(test::to_device(x)), test::scalar(ref::mean(x))));
}

TEST(Reduce, SumPerChannelMatchesReference) {
  uint64_t seed = 450;
  for (const Shape& shape :
       {Shape{1, 3, 5, 7}, Shape{2, 13, 9, 11}, Shape{3, 5, 1, 1}, Shape{2, 16, 32, 32}}) {
    SCOPED_TRACE(to_string(shape));
    const auto x = test::random(shape, ++seed, 0.0, 1.0);
    ref::Tensor want({shape[1]});
    for (int64_t n = 0; n < shape[0]; ++n)
      for (int64_t c = 0; c < shape[1]; ++c)
        for (int64_t h = 0; h < shape[2]; ++h)
          for (int64_t w = 0; w < shape[3]; ++w)
            want.data[c] += x.at(n, c, h, w);
    EXPECT_TRUE(close(ops::sum_per_channel(test::to_device(x)), want));
  }
}

TEST(Reduce, SumIsBitwiseReproducible) {
  const auto x = test::to_device(test::random({3000001}, 5));
  EXPECT_EQ(ops::sum(x).item(), ops::sum(x).item());
}

TEST(Reduce, MeanOfEmptyTensorIsAnError) {
  EXPECT_THROW(ops::mean(Tensor::empty({0})), Error);
}

}  // namespace
}  // namespace aegan
