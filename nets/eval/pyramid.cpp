#include "nets/eval/pyramid.hpp"

#include <cstddef>

namespace aegan::eval {
namespace {

constexpr float kTaps[5] = {1 / 16.f, 4 / 16.f, 6 / 16.f, 4 / 16.f, 1 / 16.f};

// Mirrored index without repeating the edge sample (..., 2, 1 | 0, 1, 2, ...).
int mirror(int i, int n) {
  if (i < 0) return -i;
  if (i >= n) return 2 * (n - 1) - i;
  return i;
}

// The plane blurred along x then y, times `gain`, keeping every `step`-th sample of each axis.
std::vector<float> blur(const std::vector<float>& plane, int size, int step, float gain) {
  const int out = size / step;
  std::vector<float> rows(static_cast<size_t>(size * out));
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < out; ++x) {
      float sum = 0;
      for (int t = 0; t < 5; ++t)
        sum += kTaps[t] * plane[static_cast<size_t>(y * size + mirror(x * step + t - 2, size))];
      rows[static_cast<size_t>(y * out + x)] = sum;
    }
  }
  std::vector<float> result(static_cast<size_t>(out * out));
  for (int y = 0; y < out; ++y) {
    for (int x = 0; x < out; ++x) {
      float sum = 0;
      for (int t = 0; t < 5; ++t)
        sum += kTaps[t] * rows[static_cast<size_t>(mirror(y * step + t - 2, size) * out + x)];
      result[static_cast<size_t>(y * out + x)] = gain * sum;
    }
  }
  return result;
}

// Doubles the size: samples on the even grid, zeros between, blurred with four times the filter
// so that the interpolated plane keeps the brightness of the small one.
std::vector<float> expand(const std::vector<float>& small, int small_size) {
  const int size = 2 * small_size;
  std::vector<float> spread(static_cast<size_t>(size * size), 0.f);
  for (int y = 0; y < small_size; ++y) {
    for (int x = 0; x < small_size; ++x)
      spread[static_cast<size_t>(2 * y * size + 2 * x)] =
          small[static_cast<size_t>(y * small_size + x)];
  }
  return blur(spread, size, 1, 4.f);
}

}  // namespace

std::vector<std::vector<float>> laplacian_pyramid(const float* image, int channels, int size,
                                                  int levels) {
  const size_t plane = static_cast<size_t>(size * size);
  std::vector<std::vector<float>> pyramid(static_cast<size_t>(levels));
  std::vector<std::vector<float>> gaussian;
  for (int c = 0; c < channels; ++c)
    gaussian.emplace_back(image + c * plane, image + (c + 1) * plane);
  int current = size;
  for (int level = 0; level < levels; ++level) {
    std::vector<float>& out = pyramid[static_cast<size_t>(level)];
    const bool last = level == levels - 1;
    for (auto& g : gaussian) {
      if (last) {
        out.insert(out.end(), g.begin(), g.end());
        continue;
      }
      std::vector<float> smaller = blur(g, current, 2, 1.f);
      const std::vector<float> up = expand(smaller, current / 2);
      for (size_t i = 0; i < g.size(); ++i)
        out.push_back(g[i] - up[i]);
      g = std::move(smaller);
    }
    current /= 2;
  }
  return pyramid;
}

}  // namespace aegan::eval
