#include <gtest/gtest.h>

#include "tests/engine/ops/device_grad.hpp"

namespace aegan {
namespace {

namespace ref = reference;
using test::close;

// Three parts of `base` whose sizes along `dim` are 1, 2 and 3 (or as given).
std::vector<Shape> part_shapes(Shape base, size_t dim, std::vector<int64_t> sizes = {1, 2, 3}) {
  std::vector<Shape> shapes;
  for (int64_t size : sizes) {
    base[dim] = size;
    shapes.push_back(base);
  }
  return shapes;
}

void expect_concat_matches_reference(const std::vector<Shape>& shapes, int dim, uint64_t seed) {
  std::vector<ref::Tensor> parts;
  std::vector<Tensor> device_parts;
  for (const Shape& shape : shapes) {
    parts.push_back(test::random(shape, ++seed));
    device_parts.push_back(test::leaf(parts.back()));
  }
  Tensor y = ops::concat(device_parts, dim);
  const auto want = ref::concat(parts, dim);
  EXPECT_TRUE(close(y, want));
  const auto r = test::random(want.shape, ++seed);
  test::backward_with(y, r);
  const auto grads = ref::concat_backward(r, shapes, dim);
  for (size_t i = 0; i < parts.size(); ++i)
    EXPECT_TRUE(close(device_parts[i].grad(), grads[i]));
}

TEST(Shape, ConcatAlongEachDimensionMatchesReference) {
  uint64_t seed = 1400;
  for (const Shape& base : {Shape{2, 3, 5, 7}, Shape{1, 13, 4, 3}, Shape{3, 5, 1, 1}}) {
    for (int dim = 0; dim < 4; ++dim) {
      SCOPED_TRACE(to_string(base) + " dim " + std::to_string(dim));
      expect_concat_matches_reference(part_shapes(base, static_cast<size_t>(dim)), dim, seed += 10);
    }
  }
}

TEST(Shape, ConcatOfTiny64EmbeddingsAndOtherRanks) {
  // Real and generated embeddings in one batch (tiny64: [N, 16, 16, 16]).
  expect_concat_matches_reference(part_shapes({2, 16, 16, 16}, 0, {2, 2}), 0, 1500);
  expect_concat_matches_reference({{7}, {1}, {4}}, 0, 1510);
  expect_concat_matches_reference({{3, 5}, {2, 5}}, 0, 1520);
  expect_concat_matches_reference({{3, 5}, {3, 1}}, 1, 1530);
  expect_concat_matches_reference({{2, 3, 5}, {2, 3, 5}}, 2, 1540);
  expect_concat_matches_reference({{2, 3, 5, 7}}, 1, 1550);
}

TEST(Shape, ConcatGradientSkipsPartsWithoutGrad) {
  const auto a = test::random({2, 3, 4, 4}, 1), b = test::random({2, 5, 4, 4}, 2);
  Tensor da = test::leaf(a), db = test::to_device(b);
  Tensor y = ops::concat({da, db}, 1);
  const auto r = test::random({2, 8, 4, 4}, 3);
  test::backward_with(y, r);
  EXPECT_TRUE(close(da.grad(), ref::concat_backward(r, {a.shape, b.shape}, 1)[0]));
  EXPECT_FALSE(db.grad().defined());
}

TEST(Shape, ConcatRejectsMismatchedParts) {
  Tensor a = Tensor::zeros({2, 3, 4, 4});
  EXPECT_THROW(ops::concat({}, 0), Error);
  EXPECT_THROW(ops::concat({a, Tensor::zeros({2, 3, 4, 5})}, 1), Error);
  EXPECT_THROW(ops::concat({a, Tensor::zeros({2, 3, 4})}, 0), Error);
  EXPECT_THROW(ops::concat({a, a}, 4), Error);
  EXPECT_THROW(ops::concat({a, a}, -1), Error);
}

}  // namespace
}  // namespace aegan
