#include <gtest/gtest.h>

#include "engine/error.hpp"
#include "nets/eval/ms_ssim.hpp"
#include "tests/nets/eval/eval_images.hpp"

namespace aegan::eval {
namespace {

// The first image of `base` with normal noise of the given deviation added.
Images noisy(const Images& base, float deviation, uint64_t seed) {
  Rng rng(seed);
  Images out{1, base.size, {base.image(0), base.image(0) + base.floats_per_image()}};
  const std::vector<float> n = normal_values(out.data.size(), 0.f, deviation, rng);
  for (size_t i = 0; i < out.data.size(); ++i)
    out.data[i] = std::clamp(out.data[i] + n[i], -1.f, 1.f);
  return out;
}

TEST(EvalMsSsim, ScalesShrinkForSmallImages) {
  EXPECT_EQ(ms_ssim_scales(10), 0);
  EXPECT_EQ(ms_ssim_scales(11), 1);
  EXPECT_EQ(ms_ssim_scales(22), 2);
  EXPECT_EQ(ms_ssim_scales(64), 3);
  EXPECT_EQ(ms_ssim_scales(176), 5);
  EXPECT_EQ(ms_ssim_scales(512), 5);
}

TEST(EvalMsSsim, IsOneForAnImageWithItself) {
  for (const int size : {11, 33, 64, 176}) {
    const Images a = test::wave_images(1, size, 1);
    EXPECT_NEAR(ms_ssim(a.image(0), a.image(0), size), 1.0, 1e-12) << size;
  }
}

TEST(EvalMsSsim, NoiseLowersItSymmetrically) {
  const Images a = test::wave_images(1, 64, 2, 0.f);
  const Images light = noisy(a, 0.05f, 3), heavy = noisy(a, 0.4f, 4);
  const double s_light = ms_ssim(a.image(0), light.image(0), 64);
  const double s_heavy = ms_ssim(a.image(0), heavy.image(0), 64);
  EXPECT_LT(s_light, 1.0);
  EXPECT_LT(s_heavy, s_light);
  EXPECT_GT(s_heavy, 0.0);
  EXPECT_DOUBLE_EQ(ms_ssim(heavy.image(0), a.image(0), 64), s_heavy);
}

TEST(EvalMsSsim, RejectsImagesSmallerThanTheWindow) {
  const Images a = test::wave_images(1, 10, 5);
  EXPECT_THROW(ms_ssim(a.image(0), a.image(0), 10), Error);
}

TEST(EvalMsSsim, DiversityIsOneForCopiesAndLowerForDifferentImages) {
  const Images one = test::wave_images(1, 32, 6);
  Images copies{4, 32, {}};
  for (int i = 0; i < 4; ++i)
    copies.data.insert(copies.data.end(), one.data.begin(), one.data.end());
  const Diversity same = ms_ssim_diversity(copies, 100, 1);
  EXPECT_EQ(same.pairs, 6) << "every pair of four images, when fewer than asked";
  EXPECT_NEAR(same.mean_ms_ssim, 1.0, 1e-12);

  const Images different = test::wave_images(10, 32, 7);
  const Diversity varied = ms_ssim_diversity(different, 20, 1);
  EXPECT_EQ(varied.pairs, 20);
  EXPECT_LT(varied.mean_ms_ssim, 0.5);
  EXPECT_EQ(varied.mean_ms_ssim, ms_ssim_diversity(different, 20, 1).mean_ms_ssim);
  EXPECT_THROW(ms_ssim_diversity(one, 10, 1), Error);
}

}  // namespace
}  // namespace aegan::eval
