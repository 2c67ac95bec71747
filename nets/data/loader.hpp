#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "nets/data/image_set.hpp"

namespace aegan::data {

// Where a Loader is in its stream of batches: batch `batch` (0-based) of epoch `epoch`.
struct Position {
  int64_t epoch = 0;
  int64_t batch = 0;
  friend bool operator==(const Position&, const Position&) = default;
};

struct LoaderOptions {
  int64_t batch_size = 64;
  uint64_t seed = 0;
  Position start;    // the first batch to produce; resuming a run starts where it stopped
  int prefetch = 3;  // decoded batches kept ready ahead of the consumer
  // The slots of each batch to decode, [slot_begin, slot_begin + slot_count): a rank's share of
  // a global batch. slot_count 0: every slot.
  int64_t slot_begin = 0;
  int64_t slot_count = 0;
  // > 0: each image is a random crop x crop window of the set's larger images, mirrored half the
  // time (augment.hpp), drawn from (seed, epoch, position in the epoch).
  int crop = 0;
};

// One batch: float [slots, 3, r, r] in [-1, 1] (r: the crop, or the set's resolution) (slots: the
// batch size, or LoaderOptions' slot_count), and where it lies in the stream.
struct Batch {
  std::vector<float> images;
  Position position;
};

// Endless stream of shuffled batches, decoded on a background thread into a bounded queue.
//
// An epoch is floor(count / B) batches, B being the batch size clipped to the image count: each
// epoch visits the images in the order epoch_permutation(count, seed, epoch) and drops the last
// count mod B, which are different images every epoch. Batch k of epoch e therefore depends on
// (seed, e, k) alone, so a Loader started at a Position yields exactly the batches an
// uninterrupted one yields from there.
//
// An image damaged past its header is named once on stderr and replaced by the next image of the
// epoch's order that decodes. Errors on the background thread come out of next().
class Loader {
 public:
  // `images` must outlive the Loader.
  Loader(const ImageSet& images, const LoaderOptions& options);
  Loader(const Loader&) = delete;
  Loader& operator=(const Loader&) = delete;
  ~Loader();

  // The next batch, waiting for it if it is not decoded yet.
  Batch next();
  // The position of the batch next() returns.
  Position position() const { return position_; }
  int64_t batch_size() const { return batch_size_; }
  int64_t batches_per_epoch() const { return batches_per_epoch_; }

 private:
  void run(Position start);
  // False when stopped part-way.
  bool fill(const std::vector<int64_t>& order, Position at, std::vector<float>& images) const;

  const ImageSet& images_;
  uint64_t seed_;
  int64_t batch_size_;
  int64_t slot_begin_;
  int64_t slot_count_;
  int crop_;
  int64_t batches_per_epoch_;
  size_t capacity_;
  Position position_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Batch> ready_;
  std::exception_ptr failure_;
  std::atomic<bool> stopping_ = false;
  std::thread worker_;
};

}  // namespace aegan::data
