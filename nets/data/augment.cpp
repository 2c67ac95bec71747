#include "nets/data/augment.hpp"

#include <cstddef>

#include "engine/error.hpp"
#include "engine/init.hpp"

namespace aegan::data {

int crop_source_side(int side) {
  return side * 76 / 64;
}

CropWindow random_crop(uint64_t seed, int64_t epoch, int64_t index, int source, int crop) {
  if (crop < 1 || crop > source) {
    throw Error("a crop of " + std::to_string(crop) + " pixels does not fit an image of " +
                std::to_string(source));
  }
  Rng rng(seed ^ (0x9e3779b97f4a7c15ull * static_cast<uint64_t>(epoch + 1)) ^
          (0xc2b2ae3d27d4eb4full * static_cast<uint64_t>(index + 1)));
  rng.next_u64();  // the first output of nearby seeds is the least mixed
  const auto span = static_cast<uint64_t>(source - crop + 1);
  CropWindow window;
  window.x = static_cast<int>(rng.below(span));
  window.y = static_cast<int>(rng.below(span));
  window.mirror = rng.below(2) == 1;
  return window;
}

void cut(const float* image, int source, const CropWindow& window, int crop, float* out) {
  const auto s = static_cast<size_t>(source), c = static_cast<size_t>(crop);
  for (size_t plane = 0; plane < 3; ++plane) {
    for (size_t y = 0; y < c; ++y) {
      const float* row = image + (plane * s + y + static_cast<size_t>(window.y)) * s +
                         static_cast<size_t>(window.x);
      float* to = out + (plane * c + y) * c;
      for (size_t x = 0; x < c; ++x)
        to[x] = row[window.mirror ? c - 1 - x : x];
    }
  }
}

}  // namespace aegan::data
