#pragma once
#include <cstdint>
#include <vector>

#include "nets/eval/images.hpp"
#include "nets/models/aegan/networks.hpp"

namespace aegan::eval {

// Dimensions of encoder_features for a model: 4 * ec.
int encoder_feature_dims(const Preset& preset);

// H(x) of every image, run on the device in eval mode in chunks of `batch`, each embedding
// [ec, es, es] average-pooled to [ec, 2, 2]: `count` rows of 4 * ec floats. Pooling keeps the
// covariance small and well conditioned for a few hundred images while keeping coarse layout.
// Throws aegan::Error when the images are not r x r. `progress` counts images.
std::vector<float> encoder_features(Aegan& model, const Images& images, int64_t batch,
                                    const ProgressFn& progress = {});

}  // namespace aegan::eval
