#include <gtest/gtest.h>

#include "engine/error.hpp"
#include "viewer/core/player.hpp"

namespace aegan::viewer {
namespace {

TEST(WalkPlayer, AdvancesByWallClockAndLoops) {
  WalkPlayer player(5, Prior::uniform, WalkSettings{3, 4, Interpolation::spline, true, 0.5});
  player.advance(3.0);  // 1.5 keyframes
  EXPECT_DOUBLE_EQ(player.position(), 1.5);
  player.advance(6.0);  // 4.5 = 0.5 after one loop of 4 keyframes
  EXPECT_DOUBLE_EQ(player.position(), 0.5);
  player.set_paused(true);
  player.advance(10.0);
  EXPECT_DOUBLE_EQ(player.position(), 0.5);
  player.step(-30);  // one second of a 30 fps recording back, also while paused
  EXPECT_DOUBLE_EQ(player.position(), 0.0);
  player.reset();
  EXPECT_DOUBLE_EQ(player.position(), 0.0);
}

TEST(WalkPlayer, WholePositionsAreExactKeyframesOfThePrior) {
  const WalkSettings settings{9, 5, Interpolation::slerp, false, 1.0};
  WalkPlayer player(7, Prior::normal, settings);
  const LatentWalk walk(7, 5, 9, Interpolation::slerp, false, Prior::normal);
  EXPECT_EQ(player.z(), walk.keyframe(0));
  player.advance(2.0);
  EXPECT_EQ(player.z(), walk.keyframe(2));
  player.advance(100.0);  // no loop: stops at the last keyframe
  EXPECT_DOUBLE_EQ(player.position(), 4.0);
  EXPECT_EQ(player.z(), walk.keyframe(4));
}

TEST(WalkPlayer, ReconfiguringKeepsTheValidPosition) {
  WalkPlayer player(3, Prior::uniform, WalkSettings{1, 8, Interpolation::lerp, true, 1.0});
  player.advance(6.5);
  player.configure(WalkSettings{2, 4, Interpolation::lerp, true, 1.0});
  EXPECT_DOUBLE_EQ(player.position(), 2.5);
  EXPECT_THROW(player.configure(WalkSettings{2, 1, Interpolation::lerp, true, 1.0}), Error);
}

}  // namespace
}  // namespace aegan::viewer
