#pragma once
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>

#include "nets/model.hpp"
#include "nets/train/checkpoint.hpp"
#include "nets/train/config.hpp"

namespace aegan::data {
class ImageSet;
}
namespace aegan::eval {
struct GeneratedImages;
}

namespace aegan::train {

class RunLock;

struct RunOptions {
  std::filesystem::path out;                // the run folder
  std::optional<int64_t> max_steps;         // stop (with a checkpoint) after this many steps
  const std::atomic<bool>* stop = nullptr;  // set by a signal handler: checkpoint and return
  std::ostream* progress = nullptr;         // progress line; none when null
  bool progress_is_terminal = false;
  // Called after every optimiser step with the images it took (over all ranks), e.g. to report
  // progress over several runs or to set `stop` once a time budget is spent.
  std::function<void(int64_t images)> on_step;
  // With several ranks, gradients are all-reduced in buckets of this size as the backward pass
  // completes them; 0: in one all-reduce after it (train::GradientSync).
  size_t allreduce_bucket_bytes = size_t{16} << 20;
};

// A model's training stages (Algorithm 1 for AEGAN) over a run folder:
//   checkpoint.safetensors  every config.checkpoint_every steps, at stage ends and on stop;
//   log.jsonl               one line per config.log_every steps;
//   .lock                   locked for the Trainer's lifetime (RunLock): one trainer per folder;
//   samples/stage{S}_step{N}.png and losses.png, every config.sample_every steps and at stage ends
//                           (stages that generate: a row of each of the model's images for the
//                           same z, e.g. x_hat above phi(x_hat), and a log line with the SWD of
//                           each against real images; other stages: real images above their
//                           reconstructions);
//   last-good.safetensors   the weights before a loss turned non-finite.
class Trainer {
 public:
  // A new run of config.model, whose empty settings (preset, prior, schedules) become the
  // model's defaults; refuses a folder that already holds a checkpoint (resume it instead). It and
  // resume() refuse a folder that another Trainer, in this process or another, holds.
  Trainer(const TrainConfig& config, const RunOptions& options);
  // Continues the run in options.out from its checkpoint; `adjust` may lengthen the schedule.
  static std::unique_ptr<Trainer> resume(const RunOptions& options,
                                         const std::function<void(TrainConfig&)>& adjust = {});
  ~Trainer();

  // Trains until every stage is done, max_steps were taken or a stop was requested. Returns
  // true when the whole schedule is done.
  bool run();
  // Whether the last run() ended on a stop asked of this rank or of any other.
  bool stopped_on_request() const { return stopped_on_request_; }

  const TrainConfig& config() const { return config_; }
  const TrainState& state() const { return state_; }
  Model& model() { return *model_; }
  // The micro-batch size trained with: config().batch, or the image count where the data set
  // has fewer images than that (one micro-batch only).
  int64_t batch() const;
  // The images of one optimiser step over all ranks: batch() x config().micro_batches.
  int64_t global_batch() const;
  // Steps of stage `stage` for this data set and global batch.
  int64_t stage_steps(int stage) const;

 private:
  Trainer(const TrainConfig& config, const RunOptions& options, const TrainingCheckpoint* from,
          std::unique_ptr<RunLock> lock);
  // Prepares the current stage's networks and its fresh optimisers (none once all are done).
  void start_stage();
  // One optimiser step on this rank's micro-batches of the step's global batch; returns the
  // losses averaged over all micro-batches.
  LossValues step(const TrainingStage& info, const std::vector<float>& images);
  // Rank 0's weights, BN statistics and optimiser state on every rank.
  void broadcast_state();
  void write_samples();
  void log_quality(const eval::GeneratedImages& generated);
  int stage_count() const { return static_cast<int>(config_.stages.size()); }

  struct Impl;
  // First, so that it is taken before anything is written and released after everything else.
  std::unique_ptr<RunLock> lock_;
  TrainConfig config_;
  RunOptions options_;
  TrainState state_;
  bool stopped_on_request_ = false;
  std::unique_ptr<Model> model_;
  std::vector<TrainingStage> stages_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace aegan::train
