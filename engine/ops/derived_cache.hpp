#pragma once
// Tensors computed from other tensors' contents, kept while those contents stay unchanged: the
// convolution kernels' packed weights are made once per weight version instead of once per call
// (a frozen network's never again, a discriminator's once for its three uses in a GAN step).
// A slot names what is derived from which tensors (by Tensor::storage_id()), its version the
// sources' contents (Tensor::version(), which every write changes): a slot holds one version, so
// a training step's new weights replace their old packed copy instead of piling up beside it.
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <list>
#include <string>
#include <unordered_map>

#include "engine/tensor.hpp"

namespace aegan::ops {

class DerivedCache {
 public:
  explicit DerivedCache(uint64_t capacity_bytes) : capacity_(capacity_bytes) {}

  // The tensor kept in `slot` if it was made from `version`, else make()'s result, kept there
  // (least recently used slots make room) unless it alone exceeds the capacity.
  Tensor get(const std::string& slot, const std::string& version,
             const std::function<Tensor()>& make);
  void clear();
  uint64_t bytes() const { return bytes_; }

  // Slot and version text for derived tensors of `sources` (undefined ones allowed).
  static std::string storage_ids(std::initializer_list<const Tensor*> sources);
  static std::string versions(std::initializer_list<const Tensor*> sources);

  // The packed-weight cache of the convolution kernels: Settings::pack_cache_mib MiB (default
  // 256, enough for paper512's inference networks; 0 turns it off). Emptied at
  // Runtime::shutdown().
  static DerivedCache& packed_weights();

 private:
  struct Entry {
    std::string slot, version;
    Tensor tensor;
  };
  void drop(std::list<Entry>::iterator entry);

  uint64_t capacity_;
  uint64_t bytes_ = 0;
  bool registered_ = false;   // packed_weights(): with the current runtime's on_shutdown
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace aegan::ops
