#pragma once
#include <cstdint>
#include <vector>

namespace aegan::data {

// The order in which epoch `epoch` visits items 0..count-1: a Fisher-Yates shuffle driven by a
// generator seeded from (seed, epoch) (aegan::Rng, whose output is fixed by its definition, unlike
// std::shuffle and the std distributions), so any epoch's order can be recomputed on its own, which
// is what lets a resumed run see the same batches as an uninterrupted one.
std::vector<int64_t> epoch_permutation(int64_t count, uint64_t seed, int64_t epoch);

}  // namespace aegan::data
