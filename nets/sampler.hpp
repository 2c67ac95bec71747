#pragma once
#include <cstdint>
#include <vector>

#include "nets/model.hpp"

namespace aegan {

// z [count, nz] from the prior (U(-1, 1)^nz by default), from a seeded host generator: a seed
// gives the same z (and, with the same weights, the same images) on every device. Row i is the
// i-th draw of the stream.
Tensor sample_z(int64_t count, int nz, uint64_t seed, Prior prior = Prior::uniform);

// What the model makes of z [N, nz] (Model::generate), in eval mode, in chunks of `batch` so a
// large count fits in device memory; BN uses running statistics whatever mode the model was in
// (restored afterwards).
std::vector<NamedImages> generate(Model& model, const Tensor& z, int64_t batch);
// Model::reconstruct of x in chunks of `batch`, eval mode.
Tensor reconstruct(Model& model, const Tensor& x, int64_t batch);

}  // namespace aegan
