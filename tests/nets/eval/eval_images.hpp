#pragma once
// Synthetic image sets for the tests of nets/eval.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "engine/init.hpp"
#include "nets/eval/images.hpp"

namespace aegan::test {

// Each image a random oriented wave per channel plus some noise, in [-1, 1]: structure at every
// scale, and different images differ.
inline eval::Images wave_images(int64_t count, int size, uint64_t seed, float noise = 0.2f) {
  Rng rng(seed);
  eval::Images out{count, size, {}};
  for (int64_t i = 0; i < count; ++i) {
    for (int c = 0; c < 3; ++c) {
      const double fx = 0.05 + 0.4 * rng.uniform01(), fy = 0.05 + 0.4 * rng.uniform01();
      const double phase = 6.28 * rng.uniform01();
      const std::vector<float> n = normal_values(static_cast<size_t>(size * size), 0.f, noise, rng);
      for (int y = 0; y < size; ++y) {
        for (int x = 0; x < size; ++x) {
          const double v =
              0.6 * std::sin(fx * x + fy * y + phase) + n[static_cast<size_t>(y * size + x)];
          out.data.push_back(static_cast<float>(std::clamp(v, -1.0, 1.0)));
        }
      }
    }
  }
  return out;
}

// Adds `shift` to every value of channel `channel`, clamped to [-1, 1].
inline eval::Images shifted(eval::Images images, int channel, float shift) {
  const size_t plane = static_cast<size_t>(images.size * images.size);
  for (int64_t i = 0; i < images.count; ++i) {
    float* p = images.data.data() + i * images.floats_per_image() + channel * plane;
    for (size_t k = 0; k < plane; ++k)
      p[k] = std::clamp(p[k] + shift, -1.f, 1.f);
  }
  return images;
}

// A 3x3 box blur of every plane (edges clamped).
inline eval::Images blurred(const eval::Images& images) {
  eval::Images out = images;
  const int s = images.size;
  for (size_t plane = 0; plane < images.data.size(); plane += static_cast<size_t>(s * s)) {
    for (int y = 0; y < s; ++y) {
      for (int x = 0; x < s; ++x) {
        float sum = 0;
        for (int dy = -1; dy <= 1; ++dy) {
          for (int dx = -1; dx <= 1; ++dx) {
            const int yy = std::clamp(y + dy, 0, s - 1), xx = std::clamp(x + dx, 0, s - 1);
            sum += images.data[plane + static_cast<size_t>(yy * s + xx)];
          }
        }
        out.data[plane + static_cast<size_t>(y * s + x)] = sum / 9;
      }
    }
  }
  return out;
}

}  // namespace aegan::test
