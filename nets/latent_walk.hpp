#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "nets/model_sizes.hpp"

namespace aegan {

enum class Interpolation { lerp, slerp, spline };
Interpolation interpolation_by_name(const std::string& name);  // "lerp", "slerp", "spline"

// A walk through latent space: keyframes k_0, k_1, ... drawn from the prior with a seed (the
// i-th keyframe is the i-th row of sample_z(count, dim, seed, prior), so `sample --seed S` shows
// the walk's keyframes), visited in order at one keyframe per unit of `t`.
//   lerp:   straight lines; speed jumps at keyframes.
//   slerp:  great-circle arcs between keyframes (norms interpolated linearly).
//   spline: centripetal-free uniform Catmull-Rom through the keyframes: continuous velocity.
// With `loop`, the walk returns from the last keyframe to the first and repeats; without, t is
// clamped to [0, count - 1].
class LatentWalk {
 public:
  LatentWalk(int dim, int keyframes, uint64_t seed, Interpolation interpolation, bool loop,
             Prior prior = Prior::uniform);

  std::vector<float> at(double t) const;
  // Rows of `count` consecutive points t0, t0 + dt, ... as one [count, dim] block.
  std::vector<float> frames(double t0, double dt, int count) const;

  int dim() const { return dim_; }
  int keyframes() const { return static_cast<int>(keys_.size()); }
  bool loop() const { return loop_; }
  // Length of one pass in units of t.
  double period() const;
  const std::vector<float>& keyframe(int i) const { return keys_.at(static_cast<size_t>(i)); }

 private:
  const std::vector<float>& key(long long i) const;

  int dim_;
  std::vector<std::vector<float>> keys_;
  Interpolation interpolation_;
  bool loop_;
};

}  // namespace aegan
