#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <vector>

#include "engine/error.hpp"
#include "engine/tensor.hpp"
#include "nets/train/ranks.hpp"
#include "nets/train/weight_check.hpp"

namespace aegan::train {
namespace {

std::vector<Tensor> tensors_of(const std::vector<std::vector<float>>& values) {
  std::vector<Tensor> tensors;
  for (const std::vector<float>& v : values)
    tensors.push_back(Tensor::from_host({static_cast<int64_t>(v.size())}, v));
  return tensors;
}

TEST(WeightCheck, ChecksumSeesEveryBitAndTheOrder) {
  const std::vector<float> a{1.0f, -2.5f, 0.0f}, b{3.0f, 7.0f};
  const uint64_t base = weights_checksum(tensors_of({a, b}));
  EXPECT_EQ(base, weights_checksum(tensors_of({a, b})));
  EXPECT_NE(base, weights_checksum(tensors_of({b, a})));
  // The smallest change a diverging device makes: one ulp of one value, or -0 for +0.
  std::vector<float> ulp = a;
  ulp[1] = std::bit_cast<float>(std::bit_cast<uint32_t>(ulp[1]) + 1);
  EXPECT_NE(base, weights_checksum(tensors_of({ulp, b})));
  std::vector<float> negative_zero = a;
  negative_zero[2] = -0.0f;
  EXPECT_NE(base, weights_checksum(tensors_of({negative_zero, b})));
}

// One rank always agrees with itself; the test of ranks that do not is app.mpi's.
TEST(WeightCheck, OneRankAgrees) {
  EXPECT_NO_THROW(check_same_weights(Ranks::world(), tensors_of({{1.0f, 2.0f}}), "at step 1"));
}

}  // namespace
}  // namespace aegan::train
