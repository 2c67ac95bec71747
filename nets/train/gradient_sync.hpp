#pragma once
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <vector>

#include "engine/ops.hpp"
#include "engine/optim/adam.hpp"
#include "engine/tensor.hpp"
#include "nets/module.hpp"

namespace aegan::train {

class Ranks;

// Makes the micro-batches of one optimiser step, here and on the other ranks, act as one batch
// whose batch norm runs per micro-batch: every optimiser steps once, on the mean of their
// gradients, and the BN running statistics end as the mean of theirs.
//
// The micro-batches of this process are replicas of the model that share its parameters (and so
// its optimiser updates) but hold their own gradients, BN statistics and modes. Each runs the
// model's step on a thread of its own, the threads taking turns so that only one records on the
// device at a time: micro-batch 0 runs up to its first optimiser step, then 1, ..., then the
// last averages the gradients and steps, then 0 continues. So a model's step code runs unchanged
// and one process with K micro-batches computes what K ranks do.
//
// With sync_batch_norm, batch norm in training normalises over the whole global batch instead
// (ops::BatchNormSync): each batch norm's partial statistics are gathered the same way, from
// every micro-batch here and on every rank, once in the forward and once in the backward pass.
class GradientSync : public ops::BatchNormSync {
 public:
  // `micro_batches` replicas here (the first being the model trained), of ranks.size() processes.
  // With several ranks and `bucket_bytes` > 0, gradients are all-reduced in buckets of that size
  // while the backward pass goes on (OverlappedMean); with 0, in one all-reduce after it.
  GradientSync(int micro_batches, Ranks& ranks, bool sync_batch_norm, size_t bucket_bytes);

  // The sync of the micro-batch that the calling thread runs; null outside run().
  static GradientSync* current();

  // Runs steps[k]() for each micro-batch k of this process, in turns; rethrows the first error.
  void run(const std::vector<std::function<void()>>& steps);
  // Called by StepLosses::minimise on each micro-batch once its loss is back-propagated:
  // returns when every micro-batch of every rank got here and the model's optimiser (the first
  // replica's, `optimizer` being this micro-batch's copy of it) has taken the step. Skipped on
  // every rank when any flag (ops::flag_non_finite) is set.
  void step(optim::Adam& optimizer, const Tensor& flag);
  // Back-propagates the micro-batch's `loss` and step()s. The last micro-batch here sends its
  // gradients to the other ranks while its backward pass runs, where buckets are on.
  void backward_and_step(const Tensor& loss, optim::Adam& optimizer, const Tensor& flag);
  // Buckets that the overlapped all-reduces of this process have sent so far.
  uint64_t buckets_sent() const { return buckets_sent_; }
  // Sets each buffer of replicas[0] (the model's BN statistics) to the mean over every
  // micro-batch of every rank, and the other replicas' to copies of it.
  void average_buffers(const std::vector<nn::NamedTensors>& replicas);
  // The mean of a host value over every micro-batch of every rank, given the sum here.
  void average(std::vector<double>& sums);

  // The mean of summed tensors (one micro-batch sum each) over the ranks, scaled by
  // 1 / (micro-batches x ranks): the one all-reduce of an optimiser step, public so that
  // `aegan-vk bench allreduce` times the same path.
  std::vector<Tensor> mean_over_ranks(const std::vector<Tensor>& local_sums);

  // ops::BatchNormSync: the parts are every micro-batch of every rank.
  int parts() const override;
  Tensor gather(const Tensor& partials) override;

 private:
  struct Arrival {
    optim::Adam* optimizer = nullptr;
    Tensor flag;
  };
  void wait_for_turn(int index);
  void pass_turn(int index);
  void reduce();
  // Gives the model's parameters these gradients (by parameter; undefined: none) and steps.
  void apply(const std::vector<Tensor>& means);
  // 1 / (micro-batches x ranks): what turns a sum of micro-batch gradients into their mean.
  float scale() const;
  // Waits, after the last micro-batch here has run `at_last`, for this micro-batch's turn.
  template <class AtLast>
  void meet(AtLast at_last);
  // The partials of every micro-batch here and on every rank, [C, parts * chunks, 2].
  Tensor gather_everywhere(const std::vector<Tensor>& local);
  int micro_batches_;
  Ranks& ranks_;
  bool sync_batch_norm_;
  size_t bucket_bytes_;
  uint64_t buckets_sent_ = 0;
  std::mutex mutex_;
  std::condition_variable turn_changed_;
  int turn_ = 0;
  std::vector<bool> finished_;
  bool failed_ = false;
  std::exception_ptr error_;
  std::vector<Arrival> arrivals_;
  std::vector<Tensor> partials_;  // of the gather in progress, by micro-batch
  Tensor gathered_;               // its result, read by each micro-batch in its turn
};

// Makes each parameter of `replica` share the memory of the same parameter of `model` (the same
// networks' parameters, in the same order), keeping its own gradient.
void share_parameters(const nn::NamedTensors& model, const nn::NamedTensors& replica);

}  // namespace aegan::train
