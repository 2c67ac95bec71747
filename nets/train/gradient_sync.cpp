#include "nets/train/gradient_sync.hpp"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <thread>

#include "engine/error.hpp"
#include "engine/ops.hpp"
#include "nets/train/overlapped_mean.hpp"
#include "nets/train/ranks.hpp"

namespace aegan::train {
namespace {

// Thread-local, so that StepLosses finds the sync of its micro-batch without every model
// passing it through its step code.
thread_local GradientSync* current_sync = nullptr;
thread_local int current_index = 0;

// Unwinds the micro-batches still running once one has failed; never reaches a caller.
struct Abandoned {};

// The sum of the tensors, in their order (so that the same inputs always give the same bits).
Tensor sum(const std::vector<Tensor>& tensors) {
  Tensor total = tensors[0];
  for (size_t k = 1; k < tensors.size(); ++k)
    total = ops::add(total, tensors[k]);
  return total;
}

}  // namespace

GradientSync::GradientSync(int micro_batches, Ranks& ranks, bool sync_batch_norm,
                           size_t bucket_bytes)
    : micro_batches_(micro_batches),
      ranks_(ranks),
      sync_batch_norm_(sync_batch_norm),
      bucket_bytes_(bucket_bytes) {}

GradientSync* GradientSync::current() {
  return current_sync;
}

void GradientSync::run(const std::vector<std::function<void()>>& steps) {
  if (static_cast<int>(steps.size()) != micro_batches_) {
    throw Error("internal: " + std::to_string(steps.size()) + " micro-batch steps for a sync of " +
                std::to_string(micro_batches_));
  }
  turn_ = 0;
  failed_ = false;
  error_ = nullptr;
  finished_.assign(steps.size(), false);
  arrivals_.assign(steps.size(), {});
  partials_.assign(steps.size(), {});
  auto body = [&](int k) {
    current_sync = this;
    current_index = k;
    ops::set_batch_norm_sync(sync_batch_norm_ ? this : nullptr);
    wait_for_turn(k);
    try {
      steps[static_cast<size_t>(k)]();
    } catch (const Abandoned&) {
    } catch (...) {
      const std::lock_guard lock(mutex_);
      if (!failed_) error_ = std::current_exception();
      failed_ = true;
    }
    current_sync = nullptr;
    ops::set_batch_norm_sync(nullptr);
    {
      const std::lock_guard lock(mutex_);
      finished_[static_cast<size_t>(k)] = true;
    }
    pass_turn(k);
  };
  if (micro_batches_ == 1) {
    body(0);
  } else {
    std::vector<std::thread> threads;
    for (int k = 0; k < micro_batches_; ++k)
      threads.emplace_back(body, k);
    for (std::thread& thread : threads)
      thread.join();
  }
  if (error_) std::rethrow_exception(error_);
}

void GradientSync::wait_for_turn(int index) {
  std::unique_lock lock(mutex_);
  turn_changed_.wait(lock, [&] { return turn_ == index; });
}

void GradientSync::pass_turn(int index) {
  {
    const std::lock_guard lock(mutex_);
    for (int step = 1; step <= micro_batches_; ++step) {
      const int next = (index + step) % micro_batches_;
      if (!finished_[static_cast<size_t>(next)]) {
        turn_ = next;
        break;
      }
    }
  }
  turn_changed_.notify_all();
}

template <class AtLast>
void GradientSync::meet(AtLast at_last) {
  const int k = current_index;
  if (k == micro_batches_ - 1) at_last();
  if (micro_batches_ == 1) return;
  pass_turn(k);
  wait_for_turn(k);
  if (failed_) throw Abandoned{};
}

void GradientSync::step(optim::Adam& optimizer, const Tensor& flag) {
  if (failed_) throw Abandoned{};
  arrivals_[static_cast<size_t>(current_index)] = {&optimizer, flag};
  meet([&] { reduce(); });
}

void GradientSync::backward_and_step(const Tensor& loss, optim::Adam& optimizer,
                                     const Tensor& flag) {
  if (failed_) throw Abandoned{};
  const int k = current_index;
  if (ranks_.size() == 1 || bucket_bytes_ == 0 || k != micro_batches_ - 1) {
    loss.backward();
    step(optimizer, flag);
    return;
  }
  std::vector<std::vector<Tensor>> replicas;
  std::vector<Tensor> flags;
  for (int m = 0; m < k; ++m) {
    replicas.push_back(arrivals_[static_cast<size_t>(m)].optimizer->parameters());
    flags.push_back(arrivals_[static_cast<size_t>(m)].flag);
  }
  replicas.push_back(optimizer.parameters());
  flags.push_back(flag);
  OverlappedMean mean(ranks_, std::move(replicas), scale(), bucket_bytes_);
  loss.backward([&](const Tensor& leaf) { mean.gradient_done(leaf); });
  const bool skip = mean.finish(flags);
  buckets_sent_ += mean.buckets();
  arrivals_[static_cast<size_t>(k)] = {&optimizer, flag};
  meet([&] {
    if (!skip) apply(mean.means());
  });
}

int GradientSync::parts() const {
  return micro_batches_ * ranks_.size();
}

Tensor GradientSync::gather(const Tensor& partials) {
  if (failed_) throw Abandoned{};
  partials_[static_cast<size_t>(current_index)] = partials;
  meet([&] { gathered_ = gather_everywhere(partials_); });
  return gathered_;
}

Tensor GradientSync::gather_everywhere(const std::vector<Tensor>& local) {
  const Tensor here = micro_batches_ == 1 ? local[0] : ops::concat(local, 1);
  if (ranks_.size() == 1) return here;
  // [rank][C][L][2] from MPI to [C][rank * L][2], L being this rank's chunks of a channel.
  const std::vector<float> all = ranks_.gather(here.to_host());
  const size_t channels = static_cast<size_t>(here.dim(0));
  const size_t row = static_cast<size_t>(here.dim(1)) * 2;
  const size_t ranks = static_cast<size_t>(ranks_.size());
  std::vector<float> ordered(all.size());
  for (size_t r = 0; r < ranks; ++r) {
    for (size_t c = 0; c < channels; ++c) {
      std::copy_n(all.begin() + static_cast<std::ptrdiff_t>((r * channels + c) * row), row,
                  ordered.begin() + static_cast<std::ptrdiff_t>((c * ranks + r) * row));
    }
  }
  return Tensor::from_host({here.dim(0), here.dim(1) * ranks_.size(), 2}, ordered);
}

void GradientSync::reduce() {
  optim::Adam& model = *arrivals_[0].optimizer;
  std::vector<Tensor> flags;
  for (const Arrival& arrival : arrivals_)
    flags.push_back(arrival.flag);
  bool skip = false;
  for (const float value : Tensor::items(flags))
    skip = skip || std::bit_cast<uint32_t>(value) != 0;
  if (ranks_.any(skip)) return;

  // Parameters without a gradient (frozen ones) have none in any replica, nor on any rank.
  std::vector<size_t> with_gradients;
  std::vector<Tensor> sums;
  for (size_t p = 0; p < model.parameters().size(); ++p) {
    if (!model.parameters()[p].grad().defined()) continue;
    std::vector<Tensor> gradients;
    for (const Arrival& arrival : arrivals_)
      gradients.push_back(arrival.optimizer->parameters()[p].grad());
    with_gradients.push_back(p);
    sums.push_back(sum(gradients));
  }
  const std::vector<Tensor> reduced = mean_over_ranks(sums);
  std::vector<Tensor> means(model.parameters().size());
  for (size_t i = 0; i < with_gradients.size(); ++i)
    means[with_gradients[i]] = reduced[i];
  apply(means);
}

void GradientSync::apply(const std::vector<Tensor>& means) {
  optim::Adam& model = *arrivals_[0].optimizer;
  for (size_t p = 0; p < means.size(); ++p) {
    if (!means[p].defined()) continue;
    Tensor parameter = model.parameters()[p];
    parameter.set_grad(means[p]);
  }
  model.step();
}

float GradientSync::scale() const {
  return static_cast<float>(1.0 / (static_cast<double>(micro_batches_) * ranks_.size()));
}

std::vector<Tensor> GradientSync::mean_over_ranks(const std::vector<Tensor>& local_sums) {
  const float scale = this->scale();
  std::vector<Tensor> means;
  if (ranks_.size() == 1) {
    for (const Tensor& total : local_sums)
      means.push_back(ops::scale(total, scale));
    return means;
  }
  // Vulkan memory is not MPI's to read, so the sums go through host memory, as one buffer in
  // the tensors' order (one download, one wait): one all-reduce per optimiser step, the same
  // split on every run.
  Tensor::Later download = Tensor::download_later(local_sums);
  std::vector<float>& host = download.values();
  ranks_.sum(host);
  std::vector<Shape> shapes;
  for (const Tensor& total : local_sums)
    shapes.push_back(total.shape());
  return scaled_tensors(host, scale, shapes);
}

void GradientSync::average_buffers(const std::vector<nn::NamedTensors>& replicas) {
  std::vector<Tensor> sums;
  for (size_t b = 0; b < replicas[0].size(); ++b) {
    std::vector<Tensor> copies;
    for (const nn::NamedTensors& replica : replicas)
      copies.push_back(replica[b].second);
    sums.push_back(sum(copies));
  }
  const std::vector<Tensor> means = mean_over_ranks(sums);
  for (const nn::NamedTensors& replica : replicas) {
    for (size_t b = 0; b < replica.size(); ++b) {
      Tensor buffer = replica[b].second;
      buffer.copy_from(means[b]);
    }
  }
}

void GradientSync::average(std::vector<double>& sums) {
  ranks_.sum(sums);
  for (double& value : sums)
    value /= static_cast<double>(micro_batches_) * ranks_.size();
}

void share_parameters(const nn::NamedTensors& model, const nn::NamedTensors& replica) {
  if (model.size() != replica.size()) throw Error("internal: replica of another model");
  for (size_t p = 0; p < model.size(); ++p)
    replica[p].second.impl()->storage = model[p].second.impl()->storage;
}

}  // namespace aegan::train
