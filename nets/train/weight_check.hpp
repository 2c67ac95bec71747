#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine/tensor.hpp"

namespace aegan::train {

class Ranks;

// The ranks of a run hold the same weights by construction (rank 0's start, the same averaged
// gradients, the same optimiser), but a device that computes differently (another GPU model or
// driver, a flipped bit) would let them drift apart without a sign. The ranks compare a hash of
// their weights now and then and stop, all of them, with one line when they differ.

// FNV-1a over the bits of every value, in order: the same weights give the same hash on every
// device, any changed bit another.
uint64_t weights_checksum(const std::vector<Tensor>& tensors);

// Collective: throws aegan::Error on every rank, naming the ranks whose hash differs from rank
// 0's, when any does; `when` says where in the run (for the message).
void check_same_weights(Ranks& ranks, const std::vector<Tensor>& tensors, const std::string& when);

}  // namespace aegan::train
