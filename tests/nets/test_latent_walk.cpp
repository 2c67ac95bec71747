#include <gtest/gtest.h>

#include <cmath>

#include "engine/error.hpp"
#include "nets/latent_walk.hpp"
#include "nets/sampler.hpp"

namespace aegan {
namespace {

double distance(const std::vector<float>& a, const std::vector<float>& b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i)
    sum += (a[i] - b[i]) * static_cast<double>(a[i] - b[i]);
  return std::sqrt(sum);
}

double norm(const std::vector<float>& a) {
  return distance(a, std::vector<float>(a.size()));
}

TEST(LatentWalk, PassesThroughEveryKeyframeInEveryMode) {
  for (const char* mode : {"lerp", "slerp", "spline"}) {
    LatentWalk walk(100, 5, 9, interpolation_by_name(mode), true);
    for (int i = 0; i < 5; ++i) {
      EXPECT_LT(distance(walk.at(i), walk.keyframe(i)), 1e-5) << mode << " key " << i;
    }
    EXPECT_LT(distance(walk.at(walk.period()), walk.keyframe(0)), 1e-5) << mode << " loops";
  }
}

TEST(LatentWalk, KeyframesAreTheRowsOfSampleZ) {
  LatentWalk walk(100, 4, 21, Interpolation::lerp, false);
  const std::vector<float> z = sample_z(4, 100, 21).to_host();
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(walk.keyframe(i), std::vector<float>(z.begin() + i * 100, z.begin() + (i + 1) * 100));
  }
}

TEST(LatentWalk, LerpIsStraightAndSlerpKeepsTheNormBetweenKeys) {
  LatentWalk lerp(64, 3, 4, Interpolation::lerp, false);
  const auto mid = lerp.at(0.5);
  for (size_t d = 0; d < mid.size(); ++d) {
    EXPECT_NEAR(mid[d], 0.5f * (lerp.keyframe(0)[d] + lerp.keyframe(1)[d]), 1e-6);
  }
  LatentWalk slerp(64, 3, 4, Interpolation::slerp, false);
  const double expected = 0.5 * (norm(slerp.keyframe(0)) + norm(slerp.keyframe(1)));
  EXPECT_NEAR(norm(slerp.at(0.5)), expected, 1e-4);
  EXPECT_GT(norm(slerp.at(0.5)), norm(mid)) << "the arc stays away from the origin";
}

TEST(LatentWalk, SplineHasNoVelocityJumpAtKeyframesButLerpDoes) {
  const double h = 1e-3;
  auto velocity_jump = [&](const LatentWalk& walk, double t) {
    const auto before = walk.at(t - h), at = walk.at(t), after = walk.at(t + h);
    double jump = 0;
    for (size_t d = 0; d < at.size(); ++d) {
      const double left = (at[d] - before[d]) / h, right = (after[d] - at[d]) / h;
      jump = std::max(jump, std::abs(right - left));
    }
    return jump;
  };
  LatentWalk spline(32, 6, 2, Interpolation::spline, true);
  LatentWalk lerp(32, 6, 2, Interpolation::lerp, true);
  for (double t : {1.0, 2.0, 5.0, 6.0}) {
    EXPECT_LT(velocity_jump(spline, t), 0.05) << t;
    EXPECT_GT(velocity_jump(lerp, t), 0.1) << t;
  }
}

TEST(LatentWalk, WithoutLoopStopsAtTheLastKeyframe) {
  LatentWalk walk(8, 3, 1, Interpolation::spline, false);
  EXPECT_EQ(walk.period(), 2.0);
  EXPECT_LT(distance(walk.at(7.5), walk.keyframe(2)), 1e-6);
  EXPECT_LT(distance(walk.at(-3), walk.keyframe(0)), 1e-6);
  EXPECT_EQ(walk.frames(0, 0.25, 9).size(), 72u);
}

TEST(LatentWalk, BadArgumentsAreErrors) {
  EXPECT_THROW(LatentWalk(8, 1, 1, Interpolation::lerp, true), Error);
  EXPECT_THROW(interpolation_by_name("cubic"), Error);
  EXPECT_THROW(LatentWalk(8, 3, 1, Interpolation::lerp, true).at(NAN), Error);
}

}  // namespace
}  // namespace aegan
