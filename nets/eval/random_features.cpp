#include "nets/eval/random_features.hpp"

#include <array>
#include <cmath>
#include <cstdint>

#include "engine/error.hpp"
#include "nets/eval/frechet.hpp"
#include "nets/eval/parallel.hpp"

namespace aegan::eval {
namespace {

struct ConvLayer {
  int in = 0, out = 0;
  std::vector<float> weights;  // [out, in, 3, 3]
};

constexpr std::array<int, 4> kChannels = {3, 32, 64, 128};

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

const std::vector<ConvLayer>& layers() {
  static const std::vector<ConvLayer> built = [] {
    std::vector<ConvLayer> out;
    uint64_t state = kRandomFeatureSeed;
    for (size_t l = 0; l + 1 < kChannels.size(); ++l) {
      ConvLayer layer{kChannels[l], kChannels[l + 1], {}};
      const double bound = std::sqrt(6.0 / (9.0 * layer.in));
      layer.weights.resize(static_cast<size_t>(layer.out * layer.in * 9));
      for (float& w : layer.weights) {
        const double unit = static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53;  // [0, 1)
        w = static_cast<float>((2 * unit - 1) * bound);
      }
      out.push_back(std::move(layer));
    }
    return out;
  }();
  return built;
}

// [c, s, s] to [c, s / 2, s / 2], each output the mean of a 2x2 block (an odd last row or
// column is dropped).
std::vector<float> pool2(const std::vector<float>& in, int c, int s) {
  const int h = s / 2;
  std::vector<float> out(static_cast<size_t>(c * h * h));
  for (int ch = 0; ch < c; ++ch) {
    const float* p = in.data() + static_cast<size_t>(ch * s * s);
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < h; ++x) {
        const float sum = p[2 * y * s + 2 * x] + p[2 * y * s + 2 * x + 1] +
                          p[(2 * y + 1) * s + 2 * x] + p[(2 * y + 1) * s + 2 * x + 1];
        out[static_cast<size_t>((ch * h + y) * h + x)] = sum / 4;
      }
    }
  }
  return out;
}

// 3x3, stride 2, padding 1, then ReLU: [in, s, s] to [out, (s + 1) / 2, (s + 1) / 2].
std::vector<float> conv_relu(const ConvLayer& layer, const std::vector<float>& in, int s,
                             int* out_size) {
  const int o = (s + 1) / 2;
  *out_size = o;
  std::vector<float> out(static_cast<size_t>(layer.out * o * o));
  for (int oc = 0; oc < layer.out; ++oc) {
    for (int y = 0; y < o; ++y) {
      for (int x = 0; x < o; ++x) {
        float sum = 0;
        for (int ic = 0; ic < layer.in; ++ic) {
          const float* w = layer.weights.data() + static_cast<size_t>((oc * layer.in + ic) * 9);
          const float* p = in.data() + static_cast<size_t>(ic * s * s);
          for (int ky = 0; ky < 3; ++ky) {
            const int iy = 2 * y + ky - 1;
            if (iy < 0 || iy >= s) continue;
            for (int kx = 0; kx < 3; ++kx) {
              const int ix = 2 * x + kx - 1;
              if (ix < 0 || ix >= s) continue;
              sum += w[ky * 3 + kx] * p[iy * s + ix];
            }
          }
        }
        out[static_cast<size_t>((oc * o + y) * o + x)] = std::max(sum, 0.0f);
      }
    }
  }
  return out;
}

void features_of(const float* image, int size, float* features) {
  std::vector<float> x(image, image + 3 * size * size);
  int s = size;
  while (s > kRandomFeatureInput) {
    x = pool2(x, 3, s);
    s /= 2;
  }
  for (const ConvLayer& layer : layers()) {
    int o = 0;
    x = conv_relu(layer, x, s, &o);
    s = o;
    const size_t plane = static_cast<size_t>(s * s);
    for (int c = 0; c < layer.out; ++c) {
      double sum = 0;
      for (size_t i = 0; i < plane; ++i)
        sum += x[c * plane + i];
      *features++ = static_cast<float>(sum / static_cast<double>(plane));
    }
  }
}

}  // namespace

std::vector<float> random_features(const Images& images, const ProgressFn& progress) {
  if (images.count < 1 || images.size < 1) throw Error("random features need at least one image");
  std::vector<float> out(static_cast<size_t>(images.count) * kRandomFeatureDims);
  if (progress) progress(0, images.count);
  parallel_for(images.count, [&](int64_t i) {
    features_of(images.image(i), images.size, out.data() + i * kRandomFeatureDims);
  });
  if (progress) progress(images.count, images.count);
  return out;
}

double random_feature_distance(const Images& a, const Images& b, const ProgressFn& progress_a,
                               const ProgressFn& progress_b) {
  return frechet_distance(fit_gaussian(random_features(a, progress_a), kRandomFeatureDims),
                          fit_gaussian(random_features(b, progress_b), kRandomFeatureDims));
}

}  // namespace aegan::eval
