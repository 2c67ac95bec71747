#include "nets/data/shuffle.hpp"

#include <cstddef>
#include <utility>

#include "engine/init.hpp"

namespace aegan::data {

std::vector<int64_t> epoch_permutation(int64_t count, uint64_t seed, int64_t epoch) {
  std::vector<int64_t> order(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i)
    order[static_cast<size_t>(i)] = i;
  // Mixing the epoch through one generator step keeps neighbouring (seed, epoch) pairs unrelated.
  Rng mixer(seed ^ (static_cast<uint64_t>(epoch) * 0xD1B54A32D192ED03ull));
  Rng rng(mixer.next_u64());
  for (int64_t i = count - 1; i > 0; --i) {
    const auto j = static_cast<int64_t>(rng.below(static_cast<uint64_t>(i) + 1));
    std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(j)]);
  }
  return order;
}

}  // namespace aegan::data
