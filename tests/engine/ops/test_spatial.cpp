#include <gtest/gtest.h>

#include "tests/engine/ops/device_grad.hpp"

namespace aegan {
namespace {

namespace ref = reference;
using test::close;

// Batch 1, odd heights and widths, a single pixel, and an output larger than a workgroup grid row.
const std::vector<Shape> kShapes{{1, 1, 1, 1},  {1, 3, 5, 7}, {2, 13, 9, 11},
                                 {3, 5, 17, 2}, {1, 2, 1, 9}, {2, 4, 61, 73}};

TEST(Spatial, UpsampleNearest2xForwardAndBackwardMatchReference) {
  uint64_t seed = 800;
  for (const Shape& shape : kShapes) {
    SCOPED_TRACE(to_string(shape));
    const auto x = test::random(shape, ++seed);
    const auto r = test::random({shape[0], shape[1], 2 * shape[2], 2 * shape[3]}, ++seed);
    Tensor dx = test::leaf(x);
    Tensor y = ops::upsample_nearest2x(dx);
    // Copies, so the forward is exact.
    EXPECT_EQ(y.to_host(), ref::to_float(ref::upsample_nearest2x(x)));
    test::backward_with(y, r);
    EXPECT_TRUE(close(dx.grad(), ref::upsample_nearest2x_backward(r)));
  }
}

TEST(Spatial, UpsampleNearest2xRejectsOtherRanks) {
  EXPECT_THROW(ops::upsample_nearest2x(Tensor::zeros({2, 3, 4})), Error);
  EXPECT_THROW(ops::upsample_nearest2x(Tensor::zeros({2, 3})), Error);
}

TEST(Spatial, TileForwardAndBackwardMatchReference) {
  // [N, C] and [N, C, 1, 1], batch 1, a size of 1, odd sizes, and an output past one grid row.
  const std::vector<std::pair<Shape, int>> cases{
      {{1, 1}, 1}, {{1, 3}, 4}, {{5, 7}, 3}, {{2, 13, 1, 1}, 8}, {{3, 5, 1, 1}, 1}, {{4, 129}, 17}};
  uint64_t seed = 900;
  for (const auto& [shape, size] : cases) {
    SCOPED_TRACE(to_string(shape) + " size " + std::to_string(size));
    const auto x = test::random(shape, ++seed);
    const auto r = test::random({shape[0], shape[1], size, size}, ++seed);
    Tensor dx = test::leaf(x);
    Tensor y = ops::tile_spatial(dx, size);
    EXPECT_EQ(y.to_host(), ref::to_float(ref::tile_spatial(x, size)));
    test::backward_with(y, r);
    EXPECT_TRUE(close(dx.grad(), ref::tile_spatial_backward(r, shape)));
  }
}

TEST(Spatial, TileRejectsMapsAndBadSizes) {
  EXPECT_THROW(ops::tile_spatial(Tensor::zeros({2, 3, 2, 2}), 4), Error);
  EXPECT_THROW(ops::tile_spatial(Tensor::zeros({6}), 4), Error);
  EXPECT_THROW(ops::tile_spatial(Tensor::zeros({2, 3}), 0), Error);
}

}  // namespace
}  // namespace aegan
