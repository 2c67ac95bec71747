#pragma once
#include <vector>

#include "nets/eval/images.hpp"

namespace aegan::eval {

// A feature space shared by every model, so that Fréchet distances in it compare across models
// (FD-H uses each model's own encoder and does not). It is a fixed convolutional network with
// random weights, run on the CPU: the image is average-pooled 2x2 until its side is at most
// kRandomFeatureInput, then three 3x3 convolutions of stride 2 and padding 1 with 32, 64 and 128
// output channels, each followed by a ReLU. The weights are He-uniform, U(-b, b) with
// b = sqrt(6 / (9 x input channels)), drawn from a SplitMix64 stream of seed kRandomFeatureSeed
// in the order layer, output channel, input channel, row, column; the biases are zero. The
// features of an image are the spatial means of every channel of the three layers, in that
// order: 32 + 64 + 128 = 224 values.
inline constexpr int kRandomFeatureInput = 64;
inline constexpr int kRandomFeatureDims = 32 + 64 + 128;
inline constexpr unsigned long long kRandomFeatureSeed = 20190417;
inline constexpr const char* kRandomFeatureDescription =
    "FD-R: Fréchet distance in the channel means (224) of a fixed random-weight CNN (images "
    "average-pooled to at most 64 px, three 3x3 stride-2 convolutions with 32, 64 and 128 "
    "channels and ReLU, He-uniform weights of seed 20190417)";

// kRandomFeatureDims floats per image, image after image. `progress` counts images.
std::vector<float> random_features(const Images& images, const ProgressFn& progress = {});

// The Fréchet distance between Gaussians fitted to the two sets' random features.
double random_feature_distance(const Images& a, const Images& b, const ProgressFn& progress_a = {},
                               const ProgressFn& progress_b = {});

}  // namespace aegan::eval
