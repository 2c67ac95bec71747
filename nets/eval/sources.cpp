#include "nets/eval/sources.hpp"

#include <algorithm>
#include <numeric>
#include <span>

#include "engine/error.hpp"
#include "engine/init.hpp"
#include "nets/eval/parallel.hpp"
#include "nets/sampler.hpp"

namespace aegan::eval {
namespace {

constexpr int64_t kChunk = 64;  // images between progress reports

std::vector<int64_t> choose(int64_t size, int64_t count, uint64_t seed) {
  std::vector<int64_t> all(static_cast<size_t>(size));
  std::iota(all.begin(), all.end(), 0);
  if (count >= size) return all;
  Rng rng(seed);
  for (int64_t i = 0; i < count; ++i) {  // partial Fisher-Yates shuffle
    const auto j = i + static_cast<int64_t>(rng.uniform01() * static_cast<double>(size - i));
    std::swap(all[static_cast<size_t>(i)], all[static_cast<size_t>(j)]);
  }
  all.resize(static_cast<size_t>(count));
  std::sort(all.begin(), all.end());
  return all;
}

}  // namespace

Images load_images(const data::ImageSet& set, int64_t count, uint64_t seed,
                   const ProgressFn& progress) {
  if (count < 1) throw Error("the number of images must be at least 1");
  const std::vector<int64_t> chosen = choose(set.size(), count, seed);
  const int64_t total = static_cast<int64_t>(chosen.size());
  Images out{total, set.options().resolution, {}};
  out.data.resize(total * out.floats_per_image());
  std::vector<char> loaded(chosen.size());
  for (int64_t begin = 0; begin < total; begin += kChunk) {
    if (progress) progress(begin, total);
    parallel_for(std::min(kChunk, total - begin), [&](int64_t k) {
      const size_t i = static_cast<size_t>(begin + k);
      loaded[i] = set.load(chosen[i], out.data.data() + i * out.floats_per_image());
    });
  }
  if (progress) progress(total, total);
  int64_t kept = 0;  // compacts the usable images to the front, keeping their order
  for (int64_t i = 0; i < total; ++i) {
    if (!loaded[static_cast<size_t>(i)]) continue;
    std::copy_n(out.image(i), out.floats_per_image(),
                out.data.begin() + kept * static_cast<int64_t>(out.floats_per_image()));
    ++kept;
  }
  if (kept == 0) throw Error("no image of the folder could be decoded");
  out.count = kept;
  out.data.resize(kept * out.floats_per_image());
  return out;
}

GeneratedImages generate_images(Model& model, int64_t count, uint64_t seed, int64_t batch,
                                const ProgressFn& progress) {
  if (count < 1) throw Error("the number of samples must be at least 1");
  return generate_images(model, sample_z(count, model.latent_size(), seed, model.prior()), batch,
                         progress);
}

GeneratedImages generate_images(Model& model, const Tensor& z, int64_t batch,
                                const ProgressFn& progress) {
  if (batch < 1) throw Error("the batch must be at least 1");
  const int64_t count = z.dim(0);
  const int64_t nz = z.numel() / count;
  const std::vector<float> host = z.to_host();
  GeneratedImages out;
  for (int64_t begin = 0; begin < count; begin += batch) {
    if (progress) progress(begin, count);
    const int64_t n = std::min(batch, count - begin);
    const Tensor part = Tensor::from_host(
        {n, nz}, std::span<const float>(host).subspan(static_cast<size_t>(begin * nz),
                                                      static_cast<size_t>(n * nz)));
    const std::vector<NamedImages> generated = generate(model, part, batch);
    for (size_t i = 0; i < generated.size(); ++i) {
      if (out.parts.size() == i) {
        out.parts.push_back({generated[i].name,
                             generated[i].label,
                             {count, model.image_size(), {}},
                             generated[i].measured});
        out.parts[i].images.data.reserve(count * out.parts[i].images.floats_per_image());
      }
      const std::vector<float> values = generated[i].images.to_host();
      Images& images = out.parts[i].images;
      images.data.insert(images.data.end(), values.begin(), values.end());
    }
  }
  if (progress) progress(count, count);
  return out;
}

}  // namespace aegan::eval
