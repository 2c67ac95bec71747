#pragma once
#include <cstdint>

#include "nets/data/image_set.hpp"
#include "nets/eval/images.hpp"
#include "nets/models/aegan/networks.hpp"

namespace aegan::eval {

// Up to `count` images of the set: all of them when it holds no more, otherwise a seeded random
// subset (in file order). Damaged files are skipped (ImageSet names them); no usable image at
// all is an aegan::Error. `progress` counts images.
Images load_images(const data::ImageSet& set, int64_t count, uint64_t seed,
                   const ProgressFn& progress = {});

// A generator's images with the denoiser's input beside them: x_hat = F(G_E(z)) and
// image = phi(x_hat), for the same z.
struct GeneratedImages {
  Images x_hat;
  Images image;
};

// Both for `count` latents z = sample_z(count, nz, seed), in eval mode, `batch` at a time so that
// only one batch is on the device at once. `progress` counts images.
GeneratedImages generate_images(Aegan& model, int64_t count, uint64_t seed, int64_t batch,
                                const ProgressFn& progress = {});
// The same for latents already drawn, z [N, nz] or [N, nz, 1, 1].
GeneratedImages generate_images(Aegan& model, const Tensor& z, int64_t batch,
                                const ProgressFn& progress = {});

}  // namespace aegan::eval
