#pragma once
#include <cstdint>
#include <vector>

#include "nets/eval/images.hpp"
#include "nets/model.hpp"

namespace aegan::eval {

// The model's encoder (Model::encode, AEGAN's H) of every image, run on the device in eval mode
// in chunks of `batch`, each feature map [c, s, s] average-pooled to [c, 2, 2]: `count` rows of
// 4 * c floats (*dims is set to 4 * c). Pooling keeps the
// covariance small and well conditioned for a few hundred images while keeping coarse layout.
// Throws aegan::Error when the images are not r x r. `progress` counts images.
std::vector<float> encoder_features(Model& model, const Images& images, int64_t batch, int* dims,
                                    const ProgressFn& progress = {});

}  // namespace aegan::eval
