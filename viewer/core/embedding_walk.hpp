#pragma once
#include <cstdint>
#include <vector>

#include "engine/tensor.hpp"
#include "nets/model.hpp"
#include "viewer/core/player.hpp"

namespace aegan::viewer {

// One term of an interpolated point: `weight` times keyframe `index`.
struct WalkTerm {
  int index = 0;
  double weight = 0;
};

// What slerp needs of the keyframes: their lengths and each one's dot product with the next
// (the last with the first, for a loop).
struct KeyframeGeometry {
  std::vector<double> norm;
  std::vector<double> dot_next;
};

KeyframeGeometry keyframe_geometry(const std::vector<std::vector<float>>& keyframes);

// The point of a walk at position t as a weighted sum of at most four keyframes, by the same
// rules as LatentWalk::at (lerp, slerp, uniform Catmull-Rom; loop or clamp). At a whole position
// the result is that keyframe alone, with weight 1.
std::vector<WalkTerm> walk_terms(Interpolation mode, bool loop, int keyframes, double t,
                                 const KeyframeGeometry& geometry);

// The model's embedding space; a model without one is an aegan::Error naming it.
EmbeddingSpace& embedding_space(Model& model);

// The walk in a model's embedding space (AEGAN's: docs/models/aegan.md, Inference: walks in the
// embedding space are also meaningful): keyframe k is the embedding of the z walk's keyframe z_k
// (G_E(z_k)), and the points between are interpolated between embeddings instead of between z.
// The keyframe embeddings stay in device memory; each point is one small kernel on the engine's
// stream.
class EmbeddingWalk {
 public:
  // Recomputes the keyframes when the seed, their number or the model (`model_version`) changed;
  // reads them back once to measure them for slerp. Returns true when it recomputed.
  bool update(Model& model, uint64_t model_version, const WalkSettings& settings);

  const Tensor& keyframes() const { return keyframes_; }  // [K, ec, es, es]
  const KeyframeGeometry& geometry() const { return geometry_; }
  std::vector<WalkTerm> terms(double t) const;
  // Records the embedding at t, [1, ec, es, es], into a new tensor.
  Tensor at(double t) const;

 private:
  Tensor keyframes_;
  KeyframeGeometry geometry_;
  WalkSettings settings_;
  uint64_t model_version_ = 0;
};

}  // namespace aegan::viewer
