#include <gtest/gtest.h>

#include "tests/engine/ops/device_grad.hpp"

namespace aegan {
namespace {

namespace ref = reference;
using test::close;

TEST(Glu, ForwardAndBackwardMatchReference) {
  // Batch 1, odd halves, one channel pair, [N, C] as after a linear layer, and one tensor larger
  // than a workgroup grid row.
  const std::vector<Shape> shapes{{1, 2},         {1, 2, 1, 1}, {3, 6, 5, 7},
                                  {2, 26, 9, 11}, {5, 14},      {2, 70002}};
  uint64_t seed = 700;
  for (const Shape& shape : shapes) {
    SCOPED_TRACE(to_string(shape));
    const auto x = test::random(shape, ++seed, -6.0, 6.0);
    Shape half = shape;
    half[1] /= 2;
    const auto r = test::random(half, ++seed);
    Tensor dx = test::leaf(x);
    Tensor y = ops::glu(dx);
    EXPECT_TRUE(close(y, ref::glu(x)));
    test::backward_with(y, r);
    EXPECT_TRUE(close(dx.grad(), ref::glu_backward(x, r)));
  }
}

TEST(Glu, RejectsOddChannelsAndRankOne) {
  EXPECT_THROW(ops::glu(Tensor::zeros({2, 3, 4, 4})), Error);
  EXPECT_THROW(ops::glu(Tensor::zeros({8})), Error);
}

}  // namespace
}  // namespace aegan
