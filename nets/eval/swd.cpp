#include "nets/eval/swd.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

#include "engine/error.hpp"
#include "engine/init.hpp"
#include "nets/eval/parallel.hpp"
#include "nets/eval/pyramid.hpp"

namespace aegan::eval {
namespace {

constexpr int kPatch = 7;
constexpr int kDims = 3 * kPatch * kPatch;
constexpr int kBlock = 16;  // directions projected together: their sums stay in registers

struct Position {
  int y, x;
};

std::vector<int> level_resolutions(int size, int min_resolution) {
  std::vector<int> out{size};
  const int floor = std::max(min_resolution, kPatch);
  while (out.back() % 2 == 0 && out.back() / 2 >= floor)
    out.push_back(out.back() / 2);
  return out;
}

// Patch k of a level sits at positions[level][k] in both sets (common random numbers: identical
// sets give exactly 0, and sampling noise partly cancels between the sets).
std::vector<std::vector<Position>> patch_positions(const std::vector<int>& resolutions,
                                                   int64_t patches, uint64_t seed) {
  Rng rng(seed);
  std::vector<std::vector<Position>> out;
  for (const int r : resolutions) {
    const double span = r - kPatch + 1;
    auto& level = out.emplace_back();
    for (int64_t k = 0; k < patches; ++k) {
      const int y = static_cast<int>(rng.uniform01() * span);
      level.push_back({y, static_cast<int>(rng.uniform01() * span)});
    }
  }
  return out;
}

// Per level, `patches` rows of kDims floats; patch k comes from image k * count / patches, so a
// larger set spreads the same number of patches over all its images.
std::vector<std::vector<float>> descriptors(const Images& set, const std::vector<int>& resolutions,
                                            const std::vector<std::vector<Position>>& positions) {
  const int64_t patches = static_cast<int64_t>(positions[0].size());
  const int levels = static_cast<int>(resolutions.size());
  std::vector<std::vector<float>> out(resolutions.size(),
                                      std::vector<float>(static_cast<size_t>(patches * kDims)));
  parallel_for(set.count, [&](int64_t i) {
    const int64_t begin = (i * patches + set.count - 1) / set.count;
    const int64_t end = ((i + 1) * patches + set.count - 1) / set.count;
    if (begin == end) return;
    const auto pyramid = laplacian_pyramid(set.image(i), 3, set.size, levels);
    for (int l = 0; l < levels; ++l) {
      const int r = resolutions[static_cast<size_t>(l)];
      const float* plane = pyramid[static_cast<size_t>(l)].data();
      for (int64_t k = begin; k < end; ++k) {
        const Position p = positions[static_cast<size_t>(l)][static_cast<size_t>(k)];
        float* row = out[static_cast<size_t>(l)].data() + k * kDims;
        for (int c = 0; c < 3; ++c) {
          for (int dy = 0; dy < kPatch; ++dy) {
            const float* src = plane + (c * r + p.y + dy) * r + p.x;
            row = std::copy(src, src + kPatch, row);
          }
        }
      }
    }
  });
  return out;
}

// Each colour channel to zero mean and unit variance over the patches of both sets together.
// Progressive GAN's code normalises each set by its own statistics, which hides a global shift
// of colour or contrast; shared statistics keep it.
void normalise(std::vector<float>& a, std::vector<float>& b) {
  constexpr int per_channel = kPatch * kPatch;
  for (int c = 0; c < 3; ++c) {
    double sum = 0, squares = 0, n = 0;
    for (const auto* set : {&a, &b}) {
      for (size_t row = 0; row < set->size(); row += kDims) {
        for (int j = 0; j < per_channel; ++j) {
          const double v = (*set)[row + static_cast<size_t>(c * per_channel + j)];
          sum += v;
          squares += v * v;
        }
      }
      n += static_cast<double>(set->size() / kDims * per_channel);
    }
    const double mean = sum / n;
    const double std = std::sqrt(std::max(0.0, squares / n - mean * mean));
    const double scale = std > 1e-12 ? 1.0 / std : 1.0;  // constant channel: only centred
    for (auto* set : {&a, &b}) {
      for (size_t row = 0; row < set->size(); row += kDims) {
        for (int j = 0; j < per_channel; ++j) {
          float& v = (*set)[row + static_cast<size_t>(c * per_channel + j)];
          v = static_cast<float>((v - mean) * scale);
        }
      }
    }
  }
}

// `count` directions uniform on the unit sphere of kDims dimensions, stored transposed in blocks
// of kBlock: block b holds [kDims][kBlock].
std::vector<float> random_directions(int count, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> out(static_cast<size_t>(count * kDims));
  for (int d = 0; d < count; ++d) {
    const std::vector<float> v = normal_values(kDims, 0.f, 1.f, rng);
    double norm = 0;
    for (const float x : v)
      norm += double{x} * x;
    norm = std::sqrt(norm);
    float* block = out.data() + static_cast<size_t>(d / kBlock * kBlock * kDims);
    for (int i = 0; i < kDims; ++i)
      block[i * kBlock + d % kBlock] = static_cast<float>(v[static_cast<size_t>(i)] / norm);
  }
  return out;
}

// Projections of every row of `set` on kBlock directions: kBlock sorted runs of `patches`.
std::vector<float> sorted_projections(const std::vector<float>& set, const float* block,
                                      int64_t patches) {
  std::vector<float> out(static_cast<size_t>(kBlock * patches));
  for (int64_t k = 0; k < patches; ++k) {
    float sums[kBlock] = {};
    const float* row = set.data() + k * kDims;
    for (int i = 0; i < kDims; ++i) {
      for (int d = 0; d < kBlock; ++d)
        sums[d] += row[i] * block[i * kBlock + d];
    }
    for (int d = 0; d < kBlock; ++d)
      out[static_cast<size_t>(d * patches + k)] = sums[d];
  }
  for (int d = 0; d < kBlock; ++d)
    std::sort(out.begin() + d * patches, out.begin() + (d + 1) * patches);
  return out;
}

// The 1-D Wasserstein-1 distance of the projections (mean |sorted a - sorted b|), averaged over
// directions; the paper's 4 repeats of 128 directions average the same way. `blocks_done` is
// told after every few blocks of directions.
double sliced_distance(const std::vector<float>& a, const std::vector<float>& b,
                       const std::vector<float>& directions, int64_t patches,
                       const std::function<void(int64_t)>& blocks_done) {
  constexpr int64_t kBlocksPerReport = 8;
  const int64_t blocks = static_cast<int64_t>(directions.size() / (kBlock * kDims));
  std::vector<double> sums(static_cast<size_t>(blocks));
  for (int64_t first = 0; first < blocks; first += kBlocksPerReport) {
    parallel_for(std::min(kBlocksPerReport, blocks - first), [&](int64_t k) {
      const float* block = directions.data() + (first + k) * kBlock * kDims;
      const std::vector<float> pa = sorted_projections(a, block, patches);
      const std::vector<float> pb = sorted_projections(b, block, patches);
      double sum = 0;
      for (size_t i = 0; i < pa.size(); ++i)
        sum += std::abs(double{pa[i]} - pb[i]);
      sums[static_cast<size_t>(first + k)] = sum;
    });
    blocks_done(std::min(blocks, first + kBlocksPerReport));
  }
  return std::accumulate(sums.begin(), sums.end(), 0.0) /
         static_cast<double>(blocks * kBlock * patches);
}

}  // namespace

SwdResult sliced_wasserstein(const Images& a, const Images& b, const SwdOptions& options,
                             const ProgressFn& progress) {
  if (a.count < 1 || b.count < 1) throw Error("SWD needs at least one image in each set");
  if (a.size != b.size) throw Error("SWD needs images of one size in both sets");
  if (a.size < kPatch) throw Error("SWD needs images of at least 7x7 pixels");
  if (options.patches_per_image < 1 || options.directions < 1) {
    throw Error("SWD needs at least one patch per image and one direction");
  }
  SwdResult result;
  result.resolutions = level_resolutions(a.size, options.min_resolution);
  const int64_t levels = static_cast<int64_t>(result.resolutions.size());
  const int64_t patches = std::min(a.count, b.count) * options.patches_per_image;
  const auto positions = patch_positions(result.resolutions, patches, options.seed);
  auto da = descriptors(a, result.resolutions, positions);
  auto db = descriptors(b, result.resolutions, positions);
  const int rounded = (options.directions + kBlock - 1) / kBlock * kBlock;
  const std::vector<float> directions = random_directions(rounded, options.seed + 1);
  const int64_t blocks = rounded / kBlock;
  if (progress) progress(0, levels * blocks);
  for (int64_t l = 0; l < levels; ++l) {
    auto& la = da[static_cast<size_t>(l)];
    auto& lb = db[static_cast<size_t>(l)];
    normalise(la, lb);
    const auto done = [&](int64_t d) {
      if (progress) progress(l * blocks + d, levels * blocks);
    };
    result.per_level.push_back(1e3 * sliced_distance(la, lb, directions, patches, done));
    la = {};
    lb = {};
  }
  result.average = std::accumulate(result.per_level.begin(), result.per_level.end(), 0.0) /
                   static_cast<double>(levels);
  return result;
}

}  // namespace aegan::eval
