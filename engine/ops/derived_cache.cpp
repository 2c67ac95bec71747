#include "engine/ops/derived_cache.hpp"

#include <iterator>
#include <string>

#include "engine/runtime.hpp"

namespace aegan::ops {

Tensor DerivedCache::get(const std::string& slot, const std::string& version,
                         const std::function<Tensor()>& make) {
  if (const auto found = index_.find(slot); found != index_.end()) {
    if (found->second->version == version) {
      entries_.splice(entries_.begin(), entries_, found->second);
      return found->second->tensor;
    }
    drop(found->second);  // stale: its memory can go before the new version is made
  }
  Tensor made = make();
  if (made.bytes() > capacity_) return made;
  while (bytes_ + made.bytes() > capacity_)
    drop(std::prev(entries_.end()));
  entries_.push_front({slot, version, made});
  index_[slot] = entries_.begin();
  bytes_ += made.bytes();
  return made;
}

void DerivedCache::drop(std::list<Entry>::iterator entry) {
  bytes_ -= entry->tensor.bytes();
  index_.erase(entry->slot);
  entries_.erase(entry);
}

namespace {

std::string numbers(std::initializer_list<const Tensor*> sources,
                    uint64_t (Tensor::*number)() const) {
  std::string text;
  for (const Tensor* source : sources) {
    text += ' ';
    text += source->defined() ? std::to_string((source->*number)()) : "-";
  }
  return text;
}

}  // namespace

std::string DerivedCache::storage_ids(std::initializer_list<const Tensor*> sources) {
  return numbers(sources, &Tensor::storage_id);
}

std::string DerivedCache::versions(std::initializer_list<const Tensor*> sources) {
  return numbers(sources, &Tensor::version);
}

void DerivedCache::clear() {
  index_.clear();
  entries_.clear();
  bytes_ = 0;
  registered_ = false;
}

DerivedCache& DerivedCache::packed_weights() {
  static DerivedCache cache(Runtime::get().settings().pack_cache_mib << 20);
  if (!cache.registered_) {
    Runtime::get().on_shutdown([] { cache.clear(); });
    cache.registered_ = true;
  }
  return cache;
}

}  // namespace aegan::ops
