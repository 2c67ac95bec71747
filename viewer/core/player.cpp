#include "viewer/core/player.hpp"

#include <algorithm>
#include <cmath>

#include "engine/error.hpp"

namespace aegan::viewer {

WalkPlayer::WalkPlayer(int dim, Prior prior, const WalkSettings& settings)
    : dim_(dim), prior_(prior) {
  configure(settings);
}

void WalkPlayer::configure(const WalkSettings& settings) {
  if (settings.keyframes < 2) throw Error("a walk needs at least 2 keyframes");
  settings_ = settings;
  walk_ = std::make_unique<LatentWalk>(dim_, settings.keyframes, settings.seed, settings.mode,
                                       settings.loop, prior_);
  wrap();
}

void WalkPlayer::advance(double seconds) {
  if (paused_) return;
  t_ += settings_.speed * seconds;
  wrap();
}

void WalkPlayer::step(int frames) {
  t_ += settings_.speed * frames / 30.0;
  wrap();
}

void WalkPlayer::wrap() {
  const double period = walk_->period();
  if (settings_.loop) {
    t_ = std::fmod(t_, period);
    if (t_ < 0) t_ += period;
  } else {
    t_ = std::clamp(t_, 0.0, period);
  }
}

std::vector<float> WalkPlayer::z() const {
  // Interpolation formulas need not reproduce a keyframe bit for bit; a paused walk on a
  // keyframe must show exactly what `aegan-vk sample` shows for that z.
  if (t_ == std::floor(t_)) {
    return walk_->keyframe(static_cast<int>(static_cast<long long>(t_) % walk_->keyframes()));
  }
  return walk_->at(t_);
}

}  // namespace aegan::viewer
