#pragma once
#include <cstdint>
#include <vector>

#include "nets/eval/images.hpp"

namespace aegan::eval {

// Sliced Wasserstein distance between two image sets on Laplacian-pyramid patches, after
// Karras et al., "Progressive Growing of GANs", ICLR 2018, section 5 and appendix D.
struct SwdOptions {
  int patches_per_image = 128;  // per level; sets of different sizes use min(count) * this
  int min_resolution = 16;      // coarsest level: the smallest size >= this (or the image size)
  int directions = 512;         // random unit directions, rounded up to a multiple of 16
  uint64_t seed = 1;
};

struct SwdResult {
  std::vector<int> resolutions;   // of each level, finest first
  std::vector<double> per_level;  // SWD x 1e3, as the paper reports it
  double average = 0;             // mean of per_level
};

// Throws aegan::Error when the sets are empty, differ in image size, or the images are smaller
// than one 7x7 patch. `progress` counts blocks of directions over all levels.
SwdResult sliced_wasserstein(const Images& a, const Images& b, const SwdOptions& options = {},
                             const ProgressFn& progress = {});

}  // namespace aegan::eval
