#pragma once
#include <cstdint>

#include "nets/data/image_set.hpp"
#include "nets/eval/images.hpp"
#include "nets/model.hpp"

namespace aegan::eval {

// Up to `count` images of the set: all of them when it holds no more, otherwise a seeded random
// subset (in file order). Damaged files are skipped (ImageSet names them); no usable image at
// all is an aegan::Error. `progress` counts images.
Images load_images(const data::ImageSet& set, int64_t count, uint64_t seed,
                   const ProgressFn& progress = {});

// Every image a model makes of the same z (Model::generate), e.g. AEGAN's denoiser input
// x_hat = F(G_E(z)) beside its final image phi(x_hat).
struct GeneratedImages {
  struct Part {
    std::string name;   // "x_hat", "image"
    std::string label;  // "phi(x_hat)"
    Images images;
    bool measured = true;  // NamedImages::measured
  };
  std::vector<Part> parts;  // the model's order: the final image is last

  const Images& image() const { return parts.back().images; }
};

// All of them for `count` latents z = sample_z(count, nz, seed, the model's prior), in eval mode,
// `batch` at a time so that only one batch is on the device at once. `progress` counts images.
GeneratedImages generate_images(Model& model, int64_t count, uint64_t seed, int64_t batch,
                                const ProgressFn& progress = {});
// The same for latents already drawn, z [N, nz] or [N, nz, 1, 1].
GeneratedImages generate_images(Model& model, const Tensor& z, int64_t batch,
                                const ProgressFn& progress = {});

}  // namespace aegan::eval
