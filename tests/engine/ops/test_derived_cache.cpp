// Tensor versions, the derived-tensor cache, and convolutions that keep packed weights in it
// while the weights change in place.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/init.hpp"
#include "engine/ops.hpp"
#include "engine/ops/conv_kernels.hpp"
#include "engine/ops/derived_cache.hpp"
#include "engine/optim/adam.hpp"
#include "tests/support/compare.hpp"

namespace aegan {
namespace {

TEST(TensorVersion, ChangesWithEveryWriteAndOnlyThen) {
  Tensor t = Tensor::zeros({2, 3});
  const Tensor view = t.reshape({6});
  const uint64_t first = t.version();
  EXPECT_EQ(view.version(), first);
  ops::add(t, t);
  t.to_host();
  EXPECT_EQ(t.version(), first) << "reads must keep the version";
  t.upload(std::vector<float>(6, 1.0f));
  const uint64_t uploaded = t.version();
  EXPECT_NE(uploaded, first);
  EXPECT_EQ(view.version(), uploaded);
  t.copy_from(Tensor::full({6}, 2.0f));
  const uint64_t copied = t.version();
  EXPECT_NE(copied, uploaded);
  fill_(t, 3.0f);
  const uint64_t filled = t.version();
  EXPECT_NE(filled, copied);
  t.set_requires_grad(true);
  optim::Adam adam({t}, {0.1});
  ops::sum(t).backward();
  adam.step();  // a kernel that writes t in place
  EXPECT_NE(t.version(), filled);
  EXPECT_NE(Tensor::zeros({2, 3}).version(), t.version()) << "versions are never shared";
}

TEST(DerivedCache, KeepsOneVersionPerSlotAndDropsTheLeastRecentlyUsed) {
  ops::DerivedCache cache(3 * 16);  // three tensors of four floats
  int made = 0;
  auto make = [&] {
    ++made;
    return Tensor::zeros({4});
  };
  const Tensor a = cache.get("a", "1", make);
  EXPECT_EQ(cache.get("a", "1", make).impl(), a.impl());
  cache.get("b", "1", make);
  cache.get("c", "1", make);
  EXPECT_EQ(made, 3);
  cache.get("a", "1", make);  // now the most recent: b goes next
  cache.get("d", "1", make);
  EXPECT_EQ(made, 4);
  EXPECT_EQ(cache.bytes(), 3u * 16u);
  cache.get("a", "1", make);
  EXPECT_EQ(made, 4) << "a was used recently and must be kept";
  cache.get("b", "1", make);
  EXPECT_EQ(made, 5) << "b was the least recently used and must have gone";
  const Tensor a2 = cache.get("a", "2", make);
  EXPECT_EQ(made, 6) << "a new version is made again";
  EXPECT_NE(a2.impl(), a.impl());
  EXPECT_EQ(cache.bytes(), 3u * 16u) << "and replaces the old one in its slot";
  EXPECT_EQ(cache.get("d", "1", make).impl(), cache.get("d", "1", make).impl())
      << "so no other slot had to make room";
  EXPECT_EQ(made, 6);
  cache.get("big", "1", [&] {
    ++made;
    return Tensor::zeros({16});
  });
  EXPECT_EQ(cache.bytes(), 3u * 16u) << "a tensor above the capacity is not kept";
  cache.clear();
  EXPECT_EQ(cache.bytes(), 0u);
}

// Every kernel variant that packs weights, with the weights changed in place between calls (by
// an upload and by an Adam step): the results must follow the new weights.
class PackedWeights : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { ops::conv::force_variant(GetParam()); }
  void TearDown() override { ops::conv::force_variant(""); }
};

TEST_P(PackedWeights, FollowInPlaceChangesOfTheWeights) {
  const reference::Tensor x = reference::random_tensor({1, 5, 9, 7}, 11);
  const reference::Tensor w = reference::random_tensor({6, 5, 3, 3}, 12);
  Tensor weight = test::to_device(w);
  weight.set_requires_grad(true);
  const Tensor input = test::to_device(x);
  auto expect_conv = [&](const char* when) {
    const reference::Tensor current = test::to_reference(weight);
    EXPECT_TRUE(test::close(ops::conv2d(input, weight, Tensor(), {2, 1, ops::Padding::zeros}),
                            reference::conv2d(x, current, {}, 2, 1, reference::Padding::zeros)))
        << when;
    EXPECT_TRUE(test::close(
        ops::conv_transpose2d(ops::conv2d(input, weight, Tensor(), {2, 1, ops::Padding::zeros}),
                              weight, Tensor(), {2, 1, 0}),
        reference::conv_transpose2d(
            reference::conv2d(x, current, {}, 2, 1, reference::Padding::zeros), current, {}, 2, 1,
            0)))
        << when << " (transposed)";
  };
  expect_conv("first call");
  expect_conv("second call, same weights");
  const reference::Tensor replacement = reference::random_tensor({6, 5, 3, 3}, 13);
  weight.upload(std::vector<float>(replacement.data.begin(), replacement.data.end()));
  expect_conv("after an upload");
  optim::Adam adam({weight}, {0.5});
  ops::sum(ops::conv2d(input, weight, Tensor(), {2, 1, ops::Padding::zeros})).backward();
  adam.step();
  expect_conv("after an Adam step");
}

INSTANTIATE_TEST_SUITE_P(Kernels, PackedWeights,
                         ::testing::Values("rows_texel", "rows", "gemm_texel", "gemm"));

}  // namespace
}  // namespace aegan
