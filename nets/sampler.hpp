#pragma once
#include <cstdint>

#include "nets/models/aegan/networks.hpp"

namespace aegan {

// z ~ U(-1, 1)^nz, [count, nz], from a seeded host generator: a seed gives the same z (and, with
// the same weights, the same images) on every device. Row i is the i-th draw of the stream.
Tensor sample_z(int64_t count, int nz, uint64_t seed);

// Every intermediate of inference (docs/aegan.md, "Inference"), eval mode.
struct Generated {
  Tensor embedding;  // G_E(z)        [N, ec, es, es]
  Tensor x_hat;      // F(embedding)  [N, 3, r, r]
  Tensor image;      // phi(x_hat)    [N, 3, r, r]
};

// Runs in chunks of `batch` so a large count fits in device memory; BN uses running statistics
// whatever mode the model was in (restored afterwards).
Generated generate(Aegan& model, const Tensor& z, int64_t batch);

// F(H(x)) in chunks of `batch`, eval mode.
Tensor reconstruct(Aegan& model, const Tensor& x, int64_t batch);

}  // namespace aegan
