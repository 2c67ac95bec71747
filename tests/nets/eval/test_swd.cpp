#include <gtest/gtest.h>

#include "engine/error.hpp"
#include "nets/eval/pyramid.hpp"
#include "nets/eval/swd.hpp"
#include "tests/nets/eval/eval_images.hpp"

namespace aegan::eval {
namespace {

TEST(EvalSwd, PyramidOfAConstantImageHasNoDetail) {
  const std::vector<float> image(3 * 32 * 32, 0.25f);
  const auto pyramid = laplacian_pyramid(image.data(), 3, 32, 3);
  ASSERT_EQ(pyramid.size(), 3u);
  EXPECT_EQ(pyramid[0].size(), 3u * 32 * 32);
  EXPECT_EQ(pyramid[1].size(), 3u * 16 * 16);
  ASSERT_EQ(pyramid[2].size(), 3u * 8 * 8);
  for (int level = 0; level < 2; ++level) {
    for (const float v : pyramid[static_cast<size_t>(level)])
      ASSERT_NEAR(v, 0.f, 1e-6f) << "level " << level;
  }
  for (const float v : pyramid[2])
    ASSERT_NEAR(v, 0.25f, 1e-6f);
}

TEST(EvalSwd, LevelsGoDownToSixteen) {
  const Images images = test::wave_images(2, 64, 1);
  const SwdResult result = sliced_wasserstein(images, images, {.patches_per_image = 16});
  EXPECT_EQ(result.resolutions, (std::vector<int>{64, 32, 16}));
  EXPECT_EQ(result.per_level.size(), 3u);
}

TEST(EvalSwd, ASetAgainstItselfIsZero) {
  const Images images = test::wave_images(8, 32, 2);
  const SwdResult result = sliced_wasserstein(images, images);
  for (const double level : result.per_level)
    EXPECT_EQ(level, 0.0);
  EXPECT_EQ(result.average, 0.0);
}

TEST(EvalSwd, GrowsWithAColourShiftAndSeesBlur) {
  const Images a = test::wave_images(16, 32, 3);
  const double small = sliced_wasserstein(a, test::shifted(a, 0, 0.05f)).average;
  const double large = sliced_wasserstein(a, test::shifted(a, 0, 0.4f)).average;
  const SwdResult blur = sliced_wasserstein(a, test::blurred(a));
  EXPECT_GT(small, 0.0);
  EXPECT_GT(large, 5 * small);
  EXPECT_GT(blur.per_level[0], 100.0);
  EXPECT_GT(blur.per_level[0], 5 * blur.per_level[1]) << "the finest level sees the blur most";
}

TEST(EvalSwd, SetsOfDifferentSizesUseTheSameNumberOfPatches) {
  const Images a = test::wave_images(3, 16, 5);
  const Images b = test::wave_images(7, 16, 6);
  const SwdResult ab = sliced_wasserstein(a, b, {.patches_per_image = 32});
  EXPECT_EQ(ab.resolutions, (std::vector<int>{16}));
  EXPECT_GT(ab.average, 0.0);
  EXPECT_EQ(ab.average, sliced_wasserstein(a, b, {.patches_per_image = 32}).average)
      << "seeded: the same figure every time";
}

TEST(EvalSwd, RejectsUnusableSets) {
  const Images a = test::wave_images(2, 16, 7);
  EXPECT_THROW(sliced_wasserstein(a, Images{}), Error);
  EXPECT_THROW(sliced_wasserstein(a, test::wave_images(2, 32, 7)), Error);
  EXPECT_THROW(sliced_wasserstein(test::wave_images(1, 6, 7), test::wave_images(1, 6, 8)), Error);
}

}  // namespace
}  // namespace aegan::eval
