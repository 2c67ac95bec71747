#pragma once
#include <cstdint>
#include <vector>

namespace aegan::data {

// SplitMix64 (Steele, Lea, Flood 2014): a tiny generator whose output is fixed by its definition,
// unlike std::shuffle and the std distributions, whose results differ between standard libraries.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next();
  // Uniform in [0, bound), bound > 0, without modulo bias (rejection of the short last interval).
  uint64_t below(uint64_t bound);

 private:
  uint64_t state_;
};

// The order in which epoch `epoch` visits items 0..count-1: a Fisher-Yates shuffle driven by a
// generator seeded from (seed, epoch), so any epoch's order can be recomputed on its own, which is
// what lets a resumed run see the same batches as an uninterrupted one.
std::vector<int64_t> epoch_permutation(int64_t count, uint64_t seed, int64_t epoch);

}  // namespace aegan::data
