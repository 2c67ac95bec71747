#include "engine/ops/derived_cache.hpp"

#include <cstdlib>
#include <string>

#include "engine/runtime.hpp"

namespace aegan::ops {

Tensor DerivedCache::get(const std::string& key, const std::function<Tensor()>& make) {
  if (const auto found = index_.find(key); found != index_.end()) {
    entries_.splice(entries_.begin(), entries_, found->second);
    return found->second->second;
  }
  Tensor made = make();
  if (made.bytes() > capacity_) return made;
  while (bytes_ + made.bytes() > capacity_) {
    bytes_ -= entries_.back().second.bytes();
    index_.erase(entries_.back().first);
    entries_.pop_back();
  }
  entries_.emplace_front(key, made);
  index_[key] = entries_.begin();
  bytes_ += made.bytes();
  return made;
}

void DerivedCache::clear() {
  index_.clear();
  entries_.clear();
  bytes_ = 0;
  registered_ = false;
}

DerivedCache& DerivedCache::packed_weights() {
  static DerivedCache cache([] {
    const char* text = std::getenv("AEGAN_VK_PACK_CACHE_MIB");
    const uint64_t mib = text && *text ? std::strtoull(text, nullptr, 10) : 256;
    return mib << 20;
  }());
  if (!cache.registered_) {
    Runtime::get().on_shutdown([] { cache.clear(); });
    cache.registered_ = true;
  }
  return cache;
}

}  // namespace aegan::ops
