#include <gtest/gtest.h>

#include <vector>

#include "tests/reference/reference.hpp"

namespace aegan::reference {
namespace {

// The first values of two seeds, computed independently from the formula in reference.hpp (Python,
// libm): pins the hash, the pairing of elements and the Box-Muller convention.
TEST(ReferenceRandom, NormalBoxMullerFirstValuesArePinned) {
  const std::vector<std::pair<uint64_t, std::vector<double>>> pinned{
      {0, {0.32804398301248705, 0.9920252983027439, -0.09524237719253847, -0.08982070892104024}},
      {0x123456789abcdefull,
       {1.0635976347420073, 1.9134268548738083, 0.5042244293152438, -1.2836074307404663}}};
  for (const auto& [seed, want] : pinned) {
    const Tensor got = normal_box_muller({4}, seed);
    for (size_t i = 0; i < want.size(); ++i)
      EXPECT_NEAR(got.data[i], want[i], 1e-14) << "seed " << seed << " element " << i;
  }
}

TEST(ReferenceRandom, NormalBoxMullerKeepsItsPrefixAcrossShapes) {
  const Tensor small = normal_box_muller({3}, 9), large = normal_box_muller({2, 5}, 9);
  for (size_t i = 0; i < small.data.size(); ++i)
    EXPECT_EQ(small.data[i], large.data[i]);
}

}  // namespace
}  // namespace aegan::reference
