#include "nets/data/loader.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "engine/error.hpp"
#include "nets/data/augment.hpp"
#include "nets/data/shuffle.hpp"

namespace aegan::data {

Loader::Loader(const ImageSet& images, const LoaderOptions& options)
    : images_(images),
      seed_(options.seed),
      batch_size_(std::min(options.batch_size, images.size())),
      slot_begin_(options.slot_begin),
      slot_count_(options.slot_count == 0 ? batch_size_ : options.slot_count),
      crop_(options.crop),
      batches_per_epoch_(images.size() / std::max<int64_t>(batch_size_, 1)),
      capacity_(static_cast<size_t>(std::max(options.prefetch, 1))),
      position_(options.start) {
  if (options.batch_size < 1)
    throw Error("batch size must be at least 1, not " + std::to_string(options.batch_size));
  if (options.start.epoch < 0 || options.start.batch < 0 ||
      options.start.batch >= batches_per_epoch_)
    throw Error("loader start position (epoch " + std::to_string(options.start.epoch) + ", batch " +
                std::to_string(options.start.batch) + ") is outside an epoch of " +
                std::to_string(batches_per_epoch_) + " batches");
  if (slot_begin_ < 0 || slot_count_ < 1 || slot_begin_ + slot_count_ > batch_size_)
    throw Error("loader slots " + std::to_string(slot_begin_) + " + " +
                std::to_string(slot_count_) + " are outside a batch of " +
                std::to_string(batch_size_));
  worker_ = std::thread([this, start = options.start] { run(start); });
}

Loader::~Loader() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  worker_.join();
}

Batch Loader::next() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !ready_.empty() || failure_; });
  if (ready_.empty()) std::rethrow_exception(failure_);
  Batch batch = std::move(ready_.front());
  ready_.pop_front();
  lock.unlock();
  changed_.notify_all();
  position_ = batch.position;
  if (++position_.batch == batches_per_epoch_) position_ = {position_.epoch + 1, 0};
  return batch;
}

void Loader::run(Position at) {
  try {
    std::vector<int64_t> order = epoch_permutation(images_.size(), seed_, at.epoch);
    while (true) {
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stopping_ || ready_.size() < capacity_; });
        if (stopping_) return;
      }
      Batch batch{{}, at};
      if (!fill(order, at, batch.images)) return;
      {
        const std::lock_guard lock(mutex_);
        ready_.push_back(std::move(batch));
      }
      changed_.notify_all();
      if (++at.batch == batches_per_epoch_) {
        at = {at.epoch + 1, 0};
        order = epoch_permutation(images_.size(), seed_, at.epoch);
      }
    }
  } catch (...) {
    {
      const std::lock_guard lock(mutex_);
      failure_ = std::current_exception();
    }
    changed_.notify_all();
  }
}

bool Loader::fill(const std::vector<int64_t>& order, Position at,
                  std::vector<float>& images) const {
  const int64_t count = images_.size();
  const int source = images_.options().resolution;
  const int64_t r = crop_ > 0 ? crop_ : source;
  const int64_t image_floats = 3 * r * r;
  images.resize(static_cast<size_t>(slot_count_ * image_floats));
  std::vector<float> whole(crop_ > 0 ? static_cast<size_t>(3 * source * source) : 0);
  for (int64_t slot = slot_begin_; slot < slot_begin_ + slot_count_; ++slot) {
    if (stopping_) return false;
    float* out = images.data() + (slot - slot_begin_) * image_floats;
    const int64_t first = at.batch * batch_size_ + slot;
    int64_t tried = 0;
    while (!images_.load(order[static_cast<size_t>((first + tried) % count)],
                         crop_ > 0 ? whole.data() : out))
      if (++tried == count) throw Error("no image of the data set could be decoded");
    if (crop_ > 0)
      cut(whole.data(), source, random_crop(seed_, at.epoch, first, source, crop_), crop_, out);
  }
  return true;
}

}  // namespace aegan::data
