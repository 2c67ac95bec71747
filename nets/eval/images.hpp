#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace aegan::eval {

// `count` RGB images of size x size, each planar CHW float in [-1, 1], stored one after another:
// the host form every figure of `aegan-vk eval` is computed from.
struct Images {
  int64_t count = 0;
  int size = 0;
  std::vector<float> data;

  size_t floats_per_image() const { return static_cast<size_t>(3 * size * size); }
  const float* image(int64_t i) const { return data.data() + i * floats_per_image(); }
};

// Told how much of a long computation is done (items done so far, items in all); may be empty.
using ProgressFn = std::function<void(int64_t done, int64_t total)>;

}  // namespace aegan::eval
