#include "nets/train/weight_check.hpp"

#include <bit>
#include <span>

#include "engine/error.hpp"
#include "nets/train/ranks.hpp"

namespace aegan::train {

uint64_t weights_checksum(const std::vector<Tensor>& tensors) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (const Tensor& tensor : tensors) {
    for (const float value : tensor.to_host()) {
      uint32_t bits = std::bit_cast<uint32_t>(value);
      for (int byte = 0; byte < 4; ++byte, bits >>= 8) {
        hash ^= bits & 0xffu;
        hash *= 0x100000001b3ull;
      }
    }
  }
  return hash;
}

void check_same_weights(Ranks& ranks, const std::vector<Tensor>& tensors, const std::string& when) {
  const uint64_t mine = weights_checksum(tensors);
  uint64_t root = mine;
  ranks.broadcast(std::as_writable_bytes(std::span(&root, 1)));
  // One slot per rank, set where that rank differs, so that every rank can name them all.
  std::vector<double> differs(static_cast<size_t>(ranks.size()), 0.0);
  differs[static_cast<size_t>(ranks.rank())] = mine == root ? 0.0 : 1.0;
  ranks.sum(differs);
  std::string names;
  for (size_t r = 0; r < differs.size(); ++r) {
    if (differs[r] != 0.0) names += (names.empty() ? "" : ", ") + std::to_string(r);
  }
  if (!names.empty()) {
    throw Error("the ranks' weights diverged " + when + ": rank(s) " + names +
                " differ from rank 0 (a device or driver that computes differently?)");
  }
}

}  // namespace aegan::train
