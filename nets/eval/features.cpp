#include "nets/eval/features.hpp"

#include <algorithm>
#include <span>

#include "engine/autograd.hpp"
#include "engine/error.hpp"

namespace aegan::eval {
namespace {

// [n, c, s, s] on the host to [n, c, 2, 2] by averaging each quadrant.
void pool_quadrants(const std::vector<float>& in, int64_t n, int c, int s,
                    std::vector<float>& out) {
  const int half = s / 2;
  const double area = static_cast<double>(half) * half;
  for (int64_t plane = 0; plane < n * c; ++plane) {
    const float* p = in.data() + plane * s * s;
    double sums[4] = {};
    for (int y = 0; y < s; ++y) {
      for (int x = 0; x < s; ++x)
        sums[(y / half) * 2 + x / half] += p[y * s + x];
    }
    for (const double sum : sums)
      out.push_back(static_cast<float>(sum / area));
  }
}

}  // namespace

std::vector<float> encoder_features(Model& model, const Images& images, int64_t batch, int* dims,
                                    const ProgressFn& progress) {
  const int r = model.image_size();
  if (images.size != r) {
    throw Error("encoder features need " + std::to_string(r) + "x" + std::to_string(r) +
                " images, not " + std::to_string(images.size));
  }
  if (batch < 1) throw Error("batch must be at least 1");
  NoGradGuard no_grad;
  const nn::Networks networks = model.networks();
  const bool training = networks.front().second->training();
  model.set_training(false);
  std::vector<float> out;
  for (int64_t begin = 0; begin < images.count; begin += batch) {
    if (progress) progress(begin, images.count);
    const int64_t n = std::min(batch, images.count - begin);
    const Tensor x = Tensor::from_host(
        {n, 3, r, r}, std::span<const float>(images.image(begin), n * images.floats_per_image()));
    const Tensor features = model.encode(x);
    *dims = 4 * static_cast<int>(features.dim(1));
    pool_quadrants(features.to_host(), n, static_cast<int>(features.dim(1)),
                   static_cast<int>(features.dim(2)), out);
  }
  model.set_training(training);
  if (progress) progress(images.count, images.count);
  return out;
}

}  // namespace aegan::eval
