#include "nets/latent_picture.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/ops.hpp"

namespace aegan {
namespace {

// tanh of the background's value is -1 in float32.
constexpr float kBlack = -20.0f;

}  // namespace

LatentPicture::LatentPicture(int nz, int r) : nz_(nz), r_(r) {
  if (nz < 1 || r < 1) throw Error("internal error: a latent picture needs nz and r of 1 or more");
  columns_ = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(nz))));
  const int rows = (nz + columns_ - 1) / columns_;
  cell_ = r / std::max(columns_, rows);
  if (cell_ < 1) {
    std::string message = "a latent of ";
    message += std::to_string(nz) + " values does not fit a " + std::to_string(r) + "x" +
               std::to_string(r) + " picture";
    throw Error(message);
  }
  origin_ = (r - columns_ * cell_) / 2;
}

Tensor LatentPicture::operator()(const Tensor& z) {
  if (!weight_.defined()) {
    const size_t pixels = static_cast<size_t>(r_) * static_cast<size_t>(r_);
    std::vector<float> weight(pixels * static_cast<size_t>(nz_), 0.0f);
    std::vector<float> bias(pixels, kBlack);
    // Cells of 4 pixels or more keep a black line between neighbours.
    const int filled = cell_ >= 4 ? cell_ - 1 : cell_;
    for (int k = 0; k < nz_; ++k) {
      const int top = origin_ + (k / columns_) * cell_, left = origin_ + (k % columns_) * cell_;
      for (int y = top; y < top + filled; ++y) {
        for (int x = left; x < left + filled; ++x) {
          const size_t pixel = static_cast<size_t>(y) * static_cast<size_t>(r_) + x;
          weight[pixel * static_cast<size_t>(nz_) + static_cast<size_t>(k)] = 0.5f;
          bias[pixel] = 0.0f;
        }
      }
    }
    weight_ = Tensor::from_host({static_cast<int64_t>(pixels), nz_}, weight);
    bias_ = Tensor::from_host({static_cast<int64_t>(pixels)}, bias);
  }
  const int64_t n = z.dim(0);
  if (z.numel() != n * nz_) throw Error("internal error: the latent has the wrong size");
  const Tensor grey =
      ops::tanh(ops::linear(z.reshape({n, nz_}), weight_, bias_)).reshape({n, 1, r_, r_});
  return ops::concat({grey, grey, grey}, 1);
}

}  // namespace aegan
