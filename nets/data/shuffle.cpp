#include "nets/data/shuffle.hpp"

#include <cstddef>
#include <limits>
#include <utility>

namespace aegan::data {

uint64_t SplitMix64::next() {
  state_ += 0x9E3779B97F4A7C15ull;
  uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t SplitMix64::below(uint64_t bound) {
  // Values at or above `limit` would make the low residues one more likely than the others.
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  const uint64_t limit = max - (max % bound + 1) % bound;
  uint64_t value = next();
  while (value > limit)
    value = next();
  return value % bound;
}

std::vector<int64_t> epoch_permutation(int64_t count, uint64_t seed, int64_t epoch) {
  std::vector<int64_t> order(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i)
    order[static_cast<size_t>(i)] = i;
  // Mixing the epoch through one generator step keeps neighbouring (seed, epoch) pairs unrelated.
  SplitMix64 mixer(seed ^ (static_cast<uint64_t>(epoch) * 0xD1B54A32D192ED03ull));
  SplitMix64 rng(mixer.next());
  for (int64_t i = count - 1; i > 0; --i) {
    const auto j = static_cast<int64_t>(rng.below(static_cast<uint64_t>(i) + 1));
    std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(j)]);
  }
  return order;
}

}  // namespace aegan::data
