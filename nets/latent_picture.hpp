#pragma once
#include <cstdint>

#include "engine/tensor.hpp"

namespace aegan {

// A latent vector drawn as an r x r image, for showing beside what a model makes of it (DE-GAN's
// z_n): its nz values on a grid of about square cells in reading order, each cell grey
// tanh(z_k / 2) (-1 black, +1 white, so that N(0, 1) values spread over the range), on black.
// It runs on the device as one linear map of z (a one-hot pixel-to-value matrix and a bias that
// sends the background to black), so that a frame needs no host round trip.
class LatentPicture {
 public:
  LatentPicture(int nz, int r);

  // z [N, nz] or [N, nz, 1, 1] -> [N, 3, r, r].
  Tensor operator()(const Tensor& z);

  // The grid: `columns` cells of `cell` pixels a row, from pixel `origin` on both axes.
  int columns() const { return columns_; }
  int cell() const { return cell_; }
  int origin() const { return origin_; }

 private:
  int nz_, r_, columns_, cell_, origin_;
  Tensor weight_, bias_;  // [r * r, nz], [r * r]; made at the first call
};

}  // namespace aegan
