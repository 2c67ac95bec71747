#include "nets/eval/ms_ssim.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <utility>
#include <vector>

#include "engine/error.hpp"
#include "engine/init.hpp"
#include "nets/eval/parallel.hpp"

namespace aegan::eval {
namespace {

constexpr int kWindow = 11;
constexpr double kSigma = 1.5;
constexpr std::array<double, 5> kWeights = {0.0448, 0.2856, 0.3001, 0.2363, 0.1333};
constexpr double kC1 = (0.01 * 255) * (0.01 * 255);
constexpr double kC2 = (0.03 * 255) * (0.03 * 255);

using Plane = std::vector<double>;

std::array<double, kWindow> gaussian_window() {
  std::array<double, kWindow> w{};
  for (int i = 0; i < kWindow; ++i) {
    const double d = i - kWindow / 2;
    w[static_cast<size_t>(i)] = std::exp(-d * d / (2 * kSigma * kSigma));
  }
  const double sum = std::accumulate(w.begin(), w.end(), 0.0);
  for (double& v : w)
    v /= sum;
  return w;
}

// The plane filtered with the separable Gaussian window, only where the window fits ("valid").
Plane filter(const Plane& in, int size) {
  static const std::array<double, kWindow> w = gaussian_window();
  const int out = size - kWindow + 1;
  Plane rows(static_cast<size_t>(size * out));
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < out; ++x) {
      double s = 0;
      for (int t = 0; t < kWindow; ++t)
        s += w[static_cast<size_t>(t)] * in[static_cast<size_t>(y * size + x + t)];
      rows[static_cast<size_t>(y * out + x)] = s;
    }
  }
  Plane result(static_cast<size_t>(out * out));
  for (int y = 0; y < out; ++y) {
    for (int x = 0; x < out; ++x) {
      double s = 0;
      for (int t = 0; t < kWindow; ++t)
        s += w[static_cast<size_t>(t)] * rows[static_cast<size_t>((y + t) * out + x)];
      result[static_cast<size_t>(y * out + x)] = s;
    }
  }
  return result;
}

Plane product(const Plane& a, const Plane& b) {
  Plane out(a.size());
  for (size_t i = 0; i < a.size(); ++i)
    out[i] = a[i] * b[i];
  return out;
}

// The mean contrast-structure term and the mean SSIM (luminance times contrast-structure).
std::pair<double, double> ssim_terms(const Plane& x, const Plane& y, int size) {
  const Plane mx = filter(x, size), my = filter(y, size);
  const Plane xx = filter(product(x, x), size), yy = filter(product(y, y), size);
  const Plane xy = filter(product(x, y), size);
  double cs = 0, ssim = 0;
  for (size_t i = 0; i < mx.size(); ++i) {
    const double vx = xx[i] - mx[i] * mx[i], vy = yy[i] - my[i] * my[i];
    const double cov = xy[i] - mx[i] * my[i];
    const double c = (2 * cov + kC2) / (vx + vy + kC2);
    cs += c;
    ssim += c * (2 * mx[i] * my[i] + kC1) / (mx[i] * mx[i] + my[i] * my[i] + kC1);
  }
  const double n = static_cast<double>(mx.size());
  return {cs / n, ssim / n};
}

// 2x2 box average, the low-pass-and-decimate step between scales.
Plane halve(const Plane& in, int size) {
  const int out = size / 2;
  Plane result(static_cast<size_t>(out * out));
  for (int y = 0; y < out; ++y) {
    for (int x = 0; x < out; ++x) {
      const size_t i = static_cast<size_t>(2 * y * size + 2 * x);
      result[static_cast<size_t>(y * out + x)] =
          (in[i] + in[i + 1] + in[i + static_cast<size_t>(size)] +
           in[i + static_cast<size_t>(size) + 1]) /
          4;
    }
  }
  return result;
}

Plane to_255(const float* plane, int size) {
  Plane out(static_cast<size_t>(size * size));
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = (double{plane[i]} + 1) * 127.5;
  return out;
}

// With fewer than 5 scales the first `scales` weights are rescaled to sum to 1, so the figure
// stays a weighted geometric mean comparable across image sizes. Negative terms (anti-correlated
// structure) are clamped to 0 before the fractional powers, as common implementations do.
double channel_ms_ssim(Plane x, Plane y, int size, int scales) {
  double weight_sum = 0;
  for (int j = 0; j < scales; ++j)
    weight_sum += kWeights[static_cast<size_t>(j)];
  double result = 1;
  for (int j = 0; j < scales; ++j) {
    const auto [cs, ssim] = ssim_terms(x, y, size);
    const double term = j == scales - 1 ? ssim : cs;
    result *= std::pow(std::max(term, 0.0), kWeights[static_cast<size_t>(j)] / weight_sum);
    if (j < scales - 1) {
      x = halve(x, size);
      y = halve(y, size);
      size /= 2;
    }
  }
  return result;
}

}  // namespace

int ms_ssim_scales(int size) {
  int scales = 0;
  while (scales < static_cast<int>(kWeights.size()) && size >= kWindow) {
    ++scales;
    size /= 2;
  }
  return scales;
}

double ms_ssim(const float* a, const float* b, int size) {
  const int scales = ms_ssim_scales(size);
  if (scales == 0) throw Error("MS-SSIM needs images of at least 11x11 pixels");
  const size_t plane = static_cast<size_t>(size * size);
  double sum = 0;
  for (size_t c = 0; c < 3; ++c)
    sum += channel_ms_ssim(to_255(a + c * plane, size), to_255(b + c * plane, size), size, scales);
  return sum / 3;
}

Diversity ms_ssim_diversity(const Images& images, int64_t pairs, uint64_t seed,
                            const ProgressFn& progress) {
  const int64_t n = images.count;
  if (n < 2) throw Error("MS-SSIM diversity needs at least two images");
  std::vector<std::pair<int64_t, int64_t>> chosen;
  if (pairs >= n * (n - 1) / 2) {
    for (int64_t i = 0; i < n; ++i) {
      for (int64_t j = i + 1; j < n; ++j)
        chosen.emplace_back(i, j);
    }
  } else {
    Rng rng(seed);
    for (int64_t k = 0; k < pairs; ++k) {
      const auto i = static_cast<int64_t>(rng.uniform01() * static_cast<double>(n));
      auto j = static_cast<int64_t>(rng.uniform01() * static_cast<double>(n - 1));
      chosen.emplace_back(i, j >= i ? j + 1 : j);
    }
  }
  const int64_t total = static_cast<int64_t>(chosen.size());
  std::vector<double> scores(chosen.size());
  constexpr int64_t kChunk = 64;  // pairs between progress reports
  for (int64_t begin = 0; begin < total; begin += kChunk) {
    if (progress) progress(begin, total);
    const int64_t count = std::min(kChunk, total - begin);
    parallel_for(count, [&](int64_t k) {
      const auto [i, j] = chosen[static_cast<size_t>(begin + k)];
      scores[static_cast<size_t>(begin + k)] =
          ms_ssim(images.image(i), images.image(j), images.size);
    });
  }
  if (progress) progress(total, total);
  return {std::accumulate(scores.begin(), scores.end(), 0.0) / static_cast<double>(total), total};
}

}  // namespace aegan::eval
