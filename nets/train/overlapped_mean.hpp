#pragma once
#include <cstddef>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "engine/tensor.hpp"

namespace aegan::train {

class Ranks;

// Values of tensors of `shapes`, one after another as an all-reduce gives them back, times
// `scale`, as device tensors (the scaling is done in place).
std::vector<Tensor> scaled_tensors(std::span<float> values, float scale,
                                   const std::vector<Shape>& shapes);

// The mean over the ranks of the micro-batches' summed gradients, all-reduced bucket by bucket
// while the backward pass that computes them is still being recorded and run: a bucket goes to
// the host as soon as its gradients are complete and into MPI as soon as it is there, so that
// communication overlaps the rest of the backward pass instead of following it. Buckets fill in
// the order in which the backward pass completes gradients, which is the same on every rank and
// every step, so every rank starts the same sums in the same order and runs reproduce.
class OverlappedMean {
 public:
  // `replicas`: each micro-batch's handles of the same parameters, in the same order; the
  // backward pass that gradient_done() follows is the last one's, the others' are complete.
  // A bucket is sent once it holds at least `bucket_bytes` of gradients.
  OverlappedMean(Ranks& ranks, std::vector<std::vector<Tensor>> replicas, float scale,
                 size_t bucket_bytes);

  // For Tensor::backward: `leaf`'s gradient is complete. Leaves that are not parameters of the
  // last replica are not this mean's.
  void gradient_done(const Tensor& leaf);
  // Sends the last bucket together with the micro-batches' finiteness flags
  // (ops::flag_non_finite) and waits for every bucket. Returns whether any micro-batch of any
  // rank flagged its step.
  bool finish(const std::vector<Tensor>& flags);
  // After finish(): the mean gradient of each parameter, scaled by `scale`; undefined for those
  // that got none (frozen ones).
  std::vector<Tensor> means();
  size_t buckets() const { return sent_.size(); }

 private:
  struct Bucket {
    std::vector<size_t> parameters;
    std::vector<Tensor> sums;
    size_t bytes = 0;
    size_t flags = 0;  // finiteness flags after the sums (the last bucket only)
    std::optional<Tensor::Later> values;
    bool started = false;
  };
  void send(Bucket bucket);
  // Starts the sums of the buckets that reached the host, in order; never waits.
  void start_arrived();
  void start(Bucket& bucket);

  Ranks& ranks_;
  std::vector<std::vector<Tensor>> replicas_;
  float scale_;
  size_t bucket_bytes_;
  std::unordered_map<const TensorImpl*, size_t> index_;  // of the last replica's parameters
  Bucket filling_;
  std::vector<Bucket> sent_;
};

}  // namespace aegan::train
