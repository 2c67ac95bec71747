#include "nets/sampler.hpp"

#include <functional>

#include "engine/autograd.hpp"
#include "engine/error.hpp"
#include "engine/init.hpp"
#include "engine/ops.hpp"

namespace aegan {
namespace {

// Rows [begin, end) of a tensor of shape `shape` held on the host as `all`.
Tensor rows(Shape shape, const std::vector<float>& all, int64_t begin, int64_t end) {
  const int64_t row = numel(shape) / shape[0];
  shape[0] = end - begin;
  return Tensor::from_host(
      shape, std::span<const float>(all).subspan(static_cast<size_t>(begin * row),
                                                 static_cast<size_t>((end - begin) * row)));
}

// Applies `run` to chunks of x in eval mode, without gradients, and concatenates what each
// returns; the networks' mode is restored afterwards.
std::vector<Tensor> chunked(const nn::Networks& networks, const Tensor& x, int64_t batch,
                            const std::function<std::vector<Tensor>(const Tensor&)>& run) {
  if (batch < 1) throw Error("batch must be at least 1");
  NoGradGuard no_grad;
  const bool training = networks.front().second->training();
  nn::set_training(networks, false);
  std::vector<std::vector<Tensor>> parts;
  if (x.dim(0) <= batch) {
    parts.push_back(run(x));
  } else {
    const std::vector<float> all = x.to_host();
    for (int64_t begin = 0; begin < x.dim(0); begin += batch) {
      parts.push_back(run(rows(x.shape(), all, begin, std::min(x.dim(0), begin + batch))));
    }
  }
  nn::set_training(networks, training);
  std::vector<Tensor> out;
  for (size_t i = 0; !parts.empty() && i < parts[0].size(); ++i) {
    std::vector<Tensor> pieces;
    for (const auto& part : parts)
      pieces.push_back(part[i]);
    out.push_back(pieces.size() == 1 ? pieces[0] : ops::concat(pieces, 0));
  }
  return out;
}

void check_z(const Tensor& z, int nz) {
  if (z.rank() != 2 || z.dim(1) != nz) {
    throw Error("z must have shape [N, " + std::to_string(nz) + "], not " + to_string(z.shape()));
  }
}

}  // namespace

Tensor sample_z(int64_t count, int nz, uint64_t seed, Prior prior) {
  Rng rng(seed);
  return draw_latents({count, nz}, prior, rng);
}

std::vector<NamedImages> generate(Model& model, const Tensor& z, int64_t batch) {
  const int nz = model.latent_size();
  check_z(z, nz);
  std::vector<NamedImages> named;
  auto out = chunked(model.networks(), z, batch, [&](const Tensor& part) {
    named = model.generate(part.reshape({part.dim(0), nz, 1, 1}));
    std::vector<Tensor> images;
    for (const NamedImages& each : named)
      images.push_back(each.images);
    return images;
  });
  for (size_t i = 0; i < named.size(); ++i)
    named[i].images = out[i];
  return named;
}

Tensor reconstruct(Model& model, const Tensor& x, int64_t batch) {
  return chunked(model.networks(), x, batch, [&](const Tensor& part) {
    return std::vector<Tensor>{model.reconstruct(part)};
  })[0];
}

}  // namespace aegan
