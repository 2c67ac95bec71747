#pragma once
// Tensors computed from other tensors' contents, kept while those contents stay unchanged: the
// convolution kernels' packed weights are made once per weight version instead of once per call
// (a frozen network's never again, a discriminator's once for its three uses in a GAN step).
// Keys name the sources by Tensor::version(), which changes with every write, so a stale entry
// is never hit again; it ages out of the least-recently-used order.
#include <cstdint>
#include <functional>
#include <list>
#include <string>
#include <unordered_map>
#include <utility>

#include "engine/tensor.hpp"

namespace aegan::ops {

class DerivedCache {
 public:
  explicit DerivedCache(uint64_t capacity_bytes) : capacity_(capacity_bytes) {}

  // The tensor kept under `key`, else make()'s result, kept unless it alone exceeds the capacity.
  Tensor get(const std::string& key, const std::function<Tensor()>& make);
  void clear();
  uint64_t bytes() const { return bytes_; }

  // The packed-weight cache of the convolution kernels: AEGAN_VK_PACK_CACHE_MIB (default 256,
  // enough for paper512's inference networks; 0 turns it off). Emptied at Runtime::shutdown().
  static DerivedCache& packed_weights();

 private:
  uint64_t capacity_;
  uint64_t bytes_ = 0;
  bool registered_ = false;                            // with the current runtime's on_shutdown
  std::list<std::pair<std::string, Tensor>> entries_;  // most recently used first
  std::unordered_map<std::string, std::list<std::pair<std::string, Tensor>>::iterator> index_;
};

}  // namespace aegan::ops
