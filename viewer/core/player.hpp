#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "nets/latent_walk.hpp"

namespace aegan::viewer {

struct WalkSettings {
  uint64_t seed = 1;
  int keyframes = 8;
  Interpolation mode = Interpolation::spline;
  bool loop = true;
  double speed = 0.5;  // keyframes per second of wall-clock time
};

// Plays a LatentWalk through the model's prior by wall-clock time: the position t (in keyframes)
// advances by speed times the seconds that passed, so the walk looks the same at any frame rate.
class WalkPlayer {
 public:
  WalkPlayer(int dim, Prior prior, const WalkSettings& settings);

  const WalkSettings& settings() const { return settings_; }
  // Rebuilds the walk (new seed, mode, ...) and keeps the position where it is still valid.
  void configure(const WalkSettings& settings);

  void advance(double seconds);
  // One frame of a 30 fps recording forwards (or backwards with a negative count), also paused.
  void step(int frames);
  void reset() { t_ = 0; }
  void set_paused(bool paused) { paused_ = paused; }
  bool paused() const { return paused_; }
  double position() const { return t_; }

  // The current z; exactly keyframe k when the position is the whole number k.
  std::vector<float> z() const;

 private:
  void wrap();

  int dim_;
  Prior prior_;
  WalkSettings settings_;
  std::unique_ptr<LatentWalk> walk_;
  double t_ = 0;
  bool paused_ = false;
};

}  // namespace aegan::viewer
