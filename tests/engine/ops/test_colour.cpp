#include <gtest/gtest.h>

#include <cmath>

#include "tests/engine/ops/device_grad.hpp"

namespace aegan {
namespace {

namespace ref = reference;
using test::close;

// Batch 1, a single pixel, odd planes, a plane smaller than a workgroup, two images of two chunks
// each (the last one partial), an output past one grid row in the backward kernels, a 512 x 512
// image (64 chunks) and one of more chunks than a combining workgroup has invocations.
const std::vector<Shape> kShapes{{1, 3, 1, 1},     {1, 3, 5, 7},      {2, 3, 9, 11},
                                 {3, 3, 17, 2},    {5, 3, 1, 13},     {2, 3, 61, 73},
                                 {1, 3, 512, 512}, {1, 3, 1031, 1033}};

TEST(Colour, MeanForwardAndBackwardMatchReference) {
  uint64_t seed = 1200;
  for (const Shape& shape : kShapes) {
    SCOPED_TRACE(to_string(shape));
    const auto x = test::random(shape, ++seed);
    const auto r = test::random({shape[0], 3}, ++seed);
    Tensor dx = test::leaf(x);
    Tensor mean = ops::colour_mean(dx);
    EXPECT_TRUE(close(mean, ref::colour_mean(x)));
    test::backward_with(mean, r);
    EXPECT_TRUE(close(dx.grad(), ref::colour_mean_backward(shape, r)));
  }
}

TEST(Colour, CovarianceForwardAndBackwardMatchReference) {
  uint64_t seed = 1300;
  for (const Shape& shape : kShapes) {
    for (double offset : {0.0, 2.0}) {  // images centred on 0 and far from it
      SCOPED_TRACE(to_string(shape) + " offset " + std::to_string(offset));
      const auto x = test::random(shape, ++seed, offset - 1.0, offset + 1.0);
      const auto r = test::random({shape[0], 3, 3}, ++seed);
      Tensor dx = test::leaf(x);
      Tensor covariance = ops::colour_covariance(dx);
      EXPECT_TRUE(close(covariance, ref::colour_covariance(x)));
      test::backward_with(covariance, r);
      EXPECT_TRUE(close(dx.grad(), ref::colour_covariance_backward(x, r)));
    }
  }
}

// Only the float rounding of the mean is left: squared, far below any real colour spread.
TEST(Colour, ConstantImagesHaveZeroCovariance) {
  Tensor x = Tensor::full({2, 3, 7, 9}, 0.3f);
  for (float value : ops::colour_covariance(x).to_host())
    EXPECT_LE(std::abs(value), 1e-12f);
}

TEST(Colour, RejectsOtherShapes) {
  EXPECT_THROW(ops::colour_mean(Tensor::zeros({2, 4, 3, 3})), Error);
  EXPECT_THROW(ops::colour_covariance(Tensor::zeros({2, 3, 9})), Error);
  EXPECT_THROW(ops::colour_covariance(Tensor::zeros({0, 3, 2, 2})), Error);
}

}  // namespace
}  // namespace aegan
