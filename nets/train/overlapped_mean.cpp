#include "nets/train/overlapped_mean.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <utility>

#include "engine/error.hpp"
#include "engine/ops.hpp"
#include "nets/train/ranks.hpp"

namespace aegan::train {

std::vector<Tensor> scaled_tensors(std::span<float> values, float scale,
                                   const std::vector<Shape>& shapes) {
  for (float& value : values)
    value *= scale;
  std::vector<Tensor> tensors;
  size_t at = 0;
  for (const Shape& shape : shapes) {
    const size_t count = static_cast<size_t>(numel(shape));
    tensors.push_back(Tensor::from_host(shape, values.subspan(at, count)));
    at += count;
  }
  return tensors;
}

OverlappedMean::OverlappedMean(Ranks& ranks, std::vector<std::vector<Tensor>> replicas, float scale,
                               size_t bucket_bytes)
    : ranks_(ranks), replicas_(std::move(replicas)), scale_(scale), bucket_bytes_(bucket_bytes) {
  if (replicas_.empty() || bucket_bytes_ == 0) throw Error("internal: an empty overlapped mean");
  const std::vector<Tensor>& last = replicas_.back();
  for (size_t p = 0; p < last.size(); ++p)
    index_.emplace(last[p].impl(), p);
}

void OverlappedMean::gradient_done(const Tensor& leaf) {
  const auto found = index_.find(leaf.impl());
  if (found == index_.end()) return;
  const size_t p = found->second;
  // The same sum, in the same order, as the mean taken after the backward pass.
  Tensor total = replicas_[0][p].grad();
  for (size_t r = 1; r < replicas_.size(); ++r)
    total = ops::add(total, replicas_[r][p].grad());
  filling_.parameters.push_back(p);
  filling_.bytes += total.bytes();
  filling_.sums.push_back(std::move(total));
  if (filling_.bytes >= bucket_bytes_) send(std::exchange(filling_, {}));
  start_arrived();
}

void OverlappedMean::send(Bucket bucket) {
  bucket.values.emplace(Tensor::download_later(bucket.sums));
  bucket.sums.clear();
  sent_.push_back(std::move(bucket));
}

void OverlappedMean::start_arrived() {
  for (Bucket& bucket : sent_) {
    if (bucket.started) continue;
    if (!bucket.values->arrived()) break;
    start(bucket);
  }
  ranks_.progress_sums();
}

void OverlappedMean::start(Bucket& bucket) {
  std::vector<float>& values = bucket.values->values();
  // A flag is a bit pattern (non-zero: flagged); as 0 or 1 its sum counts the flagged ones.
  for (size_t i = values.size() - bucket.flags; i < values.size(); ++i)
    values[i] = std::bit_cast<uint32_t>(values[i]) != 0 ? 1.0f : 0.0f;
  ranks_.start_sum(values);
  bucket.started = true;
}

bool OverlappedMean::finish(const std::vector<Tensor>& flags) {
  Bucket last = std::exchange(filling_, {});
  last.sums.insert(last.sums.end(), flags.begin(), flags.end());
  last.flags = flags.size();
  send(std::move(last));
  for (Bucket& bucket : sent_) {
    if (!bucket.started) start(bucket);
  }
  ranks_.finish_sums();
  const std::vector<float>& values = sent_.back().values->values();
  return std::any_of(values.end() - static_cast<std::ptrdiff_t>(flags.size()), values.end(),
                     [](float flagged) { return flagged > 0.0f; });
}

std::vector<Tensor> OverlappedMean::means() {
  std::vector<Tensor> means(replicas_.back().size());
  for (Bucket& bucket : sent_) {
    std::vector<Shape> shapes;
    for (const size_t p : bucket.parameters)
      shapes.push_back(replicas_.back()[p].shape());
    std::vector<Tensor> scaled = scaled_tensors(bucket.values->values(), scale_, shapes);
    for (size_t i = 0; i < scaled.size(); ++i)
      means[bucket.parameters[i]] = std::move(scaled[i]);
  }
  return means;
}

}  // namespace aegan::train
