#pragma once
#include <cstdint>

#include "nets/eval/images.hpp"

namespace aegan::eval {

// How many scales MS-SSIM uses for size x size images: 5 (the paper's), or fewer when the
// coarsest scale would be smaller than the 11x11 window; 0 below 11 pixels.
int ms_ssim_scales(int size);

// MS-SSIM (Wang, Simoncelli, Bovik, "Multi-scale structural similarity for image quality
// assessment", 2003) of two RGB images (CHW in [-1, 1], size x size), each channel mapped to
// [0, 255] and scored on its own, the channels averaged. 1 for identical images. Throws
// aegan::Error below 11x11 pixels.
double ms_ssim(const float* a, const float* b, int size);

struct Diversity {
  double mean_ms_ssim = 0;  // lower = more diverse
  int64_t pairs = 0;        // pairs actually compared
};

// Mean MS-SSIM over `pairs` random pairs of two different images of the set (seeded), or over
// every pair when the set has no more than that; needs at least two images. `progress` counts
// pairs.
Diversity ms_ssim_diversity(const Images& images, int64_t pairs, uint64_t seed,
                            const ProgressFn& progress = {});

}  // namespace aegan::eval
