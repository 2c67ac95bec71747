#include "nets/train/trainer.hpp"

#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <sstream>

#include "engine/autograd.hpp"
#include "engine/error.hpp"
#include "engine/init.hpp"
#include "engine/ops.hpp"
#include "engine/runtime.hpp"
#include "nets/data/augment.hpp"
#include "nets/data/image_set.hpp"
#include "nets/data/loader.hpp"
#include "nets/eval/sources.hpp"
#include "nets/eval/swd.hpp"
#include "nets/models/registry.hpp"
#include "nets/report/image_grid.hpp"
#include "nets/report/loss_plot.hpp"
#include "nets/report/progress.hpp"
#include "nets/train/gradient_sync.hpp"
#include "nets/train/ranks.hpp"
#include "nets/train/run_lock.hpp"
#include "nets/train/run_log.hpp"
#include "nets/train/weight_check.hpp"

namespace aegan::train {
namespace {

// Per-step randomness comes from the seed and the step alone, so a resumed run draws the same z
// and dropout masks as one that never stopped.
uint64_t step_seed(uint64_t seed, int64_t global_step, uint64_t stream) {
  uint64_t x = seed ^ (static_cast<uint64_t>(global_step) * 0x9e3779b97f4a7c15ull) ^
               (stream * 0xbf58476d1ce4e5b9ull);
  return Rng(x).next_u64();
}

// The noise seed of micro-batch `micro` (0 ... micro-batches - 1 over all ranks) of a step:
// micro-batch 0's is the step's own, so that one micro-batch draws what a step always drew.
uint64_t micro_batch_seed(uint64_t step_noise_seed, int micro) {
  return micro == 0 ? step_noise_seed : step_seed(step_noise_seed, micro, 3);
}

nn::NamedTensors buffers(Model& model) {
  return nn::buffers(model.networks());
}

nn::NamedTensors parameters(Model& model) {
  return nn::parameters(model.networks());
}

std::vector<Tensor> parameter_tensors(Model& model) {
  std::vector<Tensor> tensors;
  for (const auto& [name, tensor] : parameters(model))
    tensors.push_back(tensor);
  return tensors;
}

// Rank 0's values of the tensors on every rank.
void broadcast_tensors(Ranks& ranks, const std::vector<Tensor>& tensors) {
  for (const Tensor& tensor : tensors) {
    std::vector<float> values = ranks.is_root()
                                    ? tensor.to_host()
                                    : std::vector<float>(static_cast<size_t>(tensor.numel()));
    ranks.broadcast(std::as_writable_bytes(std::span(values)));
    if (!ranks.is_root()) {
      Tensor target = tensor;
      target.upload(values);
    }
  }
}

// Sample grids of generating stages show a row of each of the model's images for the same z
// (AEGAN: x_hat = F(G_E(z)) above phi(x_hat)), so that what each network adds is visible.
constexpr int kGridColumns = 8;

// The figures logged with every sample grid: SWD x1e3 of each generated image against as many
// real images as the grid has, with fewer patches and directions than `aegan-vk eval` uses, so
// that they cost a fraction of a second at 64x64. They track the run; `eval` gives the figures to
// report.
constexpr int kQualityPatches = 64;
constexpr int kQualityDirections = 128;
constexpr uint64_t kQualitySeed = 0x51a11e7;

std::vector<float> interleaved_rows(const eval::GeneratedImages& generated, int columns) {
  const eval::Images& last = generated.image();
  const size_t image = last.floats_per_image();
  std::vector<float> out;
  out.reserve(generated.parts.size() * last.data.size());
  for (int64_t row = 0; row * columns < last.count; ++row) {
    const int64_t begin = row * columns;
    const int64_t end = std::min<int64_t>(begin + columns, last.count);
    for (const eval::GeneratedImages::Part& part : generated.parts) {
      const eval::Images& images = part.images;
      out.insert(out.end(), images.image(begin), images.image(begin) + (end - begin) * image);
    }
  }
  return out;
}

// The config with what it left to the model filled in: the default preset (sizes in the model's
// order), the model's prior, and each stage's default schedule.
TrainConfig resolved(TrainConfig config) {
  const ModelKind& kind = model_kind(config.model);
  if (config.preset.values.empty()) {
    config.preset =
        kind.preset(config.preset.preset.empty() ? kind.default_preset : config.preset.preset);
  }
  ModelSizes sizes{config.preset.preset, {}};
  for (const std::string& size : kind.sizes)
    sizes.values.emplace_back(size, config.preset.at(size));
  config.preset = sizes;
  // A model on a generator takes its prior from the generator, once that is loaded.
  if (!config.prior && !kind.on_generator) config.prior = kind.default_prior;
  if (config.batch == 0) config.batch = kind.default_batch;
  if (!config.augmentation) config.augmentation = kind.augmentation;
  const std::vector<TrainingStage>& stages = kind.stages;
  if (config.stages.size() > stages.size()) {
    throw Error(config.model + " trains in " + std::to_string(stages.size()) +
                (stages.size() == 1 ? " stage" : " stages") + ", not " +
                std::to_string(config.stages.size()));
  }
  for (size_t s = config.stages.size(); s < stages.size(); ++s)
    config.stages.push_back(stages[s].schedule);
  return config;
}

std::string format_losses(const LossValues& losses) {
  std::ostringstream out;
  out.precision(4);
  for (const auto& [name, value] : losses)
    out << name << ' ' << value << "  ";
  return out.str();
}

}  // namespace

struct Trainer::Impl {
  data::ImageSet images;  // at the model's side: sample grids, quality reference, training
  std::unique_ptr<data::Loader> loader;
  Optimizers optimizers;
  Tensor fixed_z;
  Tensor fixed_images;
  RunLog log;
  eval::Images quality_reference;  // real images the logged SWDs compare with, loaded once
  std::vector<std::pair<std::string, double>> last_quality;  // SWD of each generated image
  int64_t batch = 0;
  Ranks& ranks = Ranks::world();
  // Micro-batches of each step on this rank; with more than one, or more than one rank, the
  // steps go through `sync` over `replicas` (the model first, then copies sharing its
  // parameters) with their own optimisers (the model's first).
  int local_micro_batches = 1;
  std::unique_ptr<GradientSync> sync;
  std::vector<std::unique_ptr<Model>> replicas;
  std::vector<Optimizers> replica_optimizers;
  // With Augmentation::crop_flip, what training crops instead: the images loaded larger.
  std::optional<data::ImageSet> source_images;
};

Trainer::Trainer(const TrainConfig& config, const RunOptions& options)
    : Trainer(config, options, nullptr, nullptr) {}

Trainer::Trainer(const TrainConfig& config, const RunOptions& options,
                 const TrainingCheckpoint* from, std::unique_ptr<RunLock> lock)
    : lock_(std::move(lock)), config_(resolved(config)), options_(options) {
  if (config_.batch < 1) throw Error("--batch must be at least 1");
  Ranks& ranks = Ranks::world();
  if (config_.micro_batches < 1 || config_.micro_batches % ranks.size() != 0) {
    throw Error("a step of " + std::to_string(config_.micro_batches) +
                " micro-batches does not split over " + std::to_string(ranks.size()) +
                " ranks; choose --accumulate so that ranks x --accumulate is the same");
  }
  // Rank 0 alone writes the run folder.
  if (ranks.is_root()) {
    if (!lock_) lock_ = std::make_unique<RunLock>(options.out);
    const std::filesystem::path checkpoint = options.out / "checkpoint.safetensors";
    if (!from && std::filesystem::exists(checkpoint)) {
      throw Error(options.out.string() +
                  " already holds a run; continue it with --resume or choose another --out");
    }
    std::filesystem::create_directories(options.out / "samples");
  }

  if (from) {
    model_ = build_model(from->file.metadata, (options.out / "checkpoint.safetensors").string());
  } else {
    model_ = create_model(config_.model, config_.preset, config_.prior,
                          config_.generator.empty() ? nullptr : load_model(config_.generator));
  }
  config_.preset = model_->sizes();
  config_.prior = model_->prior();
  stages_ = model_->stages();
  const int r = model_->image_size();
  data::ImageOptions image_options;
  image_options.resolution = r;
  image_options.center_crop = config.center_crop;
  image_options.background = config.background;
  impl_ = std::make_unique<Impl>(
      Impl{data::ImageSet::open(config.data, image_options, config.dataset_cache),
           nullptr,
           {},
           {},
           {},
           RunLog(options.out / "log.jsonl"),
           {},
           {}});
  if (config_.augmentation == Augmentation::crop_flip) {
    data::ImageOptions larger = image_options;
    larger.resolution = data::crop_source_side(r);
    // A cache of its own beside the one asked for: each holds one resolution.
    std::filesystem::path cache = config.dataset_cache;
    if (!cache.empty()) {
      cache.replace_filename(cache.stem().string() + "-" + std::to_string(larger.resolution) +
                             cache.extension().string());
    }
    impl_->source_images = data::ImageSet::open(config.data, larger, cache);
  }
  impl_->batch = std::min<int64_t>(config_.batch, impl_->images.size());
  if (config_.micro_batches > 1 && config_.batch * config_.micro_batches > impl_->images.size()) {
    throw Error("the data has " + std::to_string(impl_->images.size()) +
                " images, fewer than a step's " + std::to_string(config_.micro_batches) +
                " micro-batches of " + std::to_string(config_.batch));
  }
  impl_->local_micro_batches = config_.micro_batches / ranks.size();
  if (from) {
    state_ = from->state;
    if (ranks.is_root()) impl_->log.truncate_after(state_.global_step);
  } else {
    model_->initialise(config.seed);
  }

  Rng sample_rng(config.seed ^ 0x5a5a5a5a5a5a5a5aull);
  impl_->fixed_z =
      draw_latents({config.sample_count, model_->latent_size(), 1, 1}, model_->prior(), sample_rng);
  const int64_t shown = std::min<int64_t>(std::min(config.sample_count, 8), impl_->images.size());
  std::vector<float> pixels(static_cast<size_t>(shown * 3 * r * r));
  for (int64_t i = 0; i < shown; ++i) {
    impl_->images.load(i, pixels.data() + i * 3 * r * r);
  }
  impl_->fixed_images = Tensor::from_host({shown, 3, r, r}, pixels);
  if (config_.micro_batches > 1) {
    impl_->sync = std::make_unique<GradientSync>(
        impl_->local_micro_batches, ranks, config_.sync_batch_norm, options.allreduce_bucket_bytes);
    for (int k = 1; k < impl_->local_micro_batches; ++k)
      impl_->replicas.push_back(build_model(model_->metadata(), options.out.string()));
  }
  start_stage();
  if (from && ranks.is_root()) restore_checkpoint(*from, *model_, impl_->optimizers);
  if (ranks.size() > 1) broadcast_state();
  for (const std::unique_ptr<Model>& replica : impl_->replicas) {
    share_parameters(parameters(*model_), parameters(*replica));
    const nn::NamedTensors from_model = buffers(*model_), to_replica = buffers(*replica);
    for (size_t b = 0; b < from_model.size(); ++b) {
      Tensor buffer = to_replica[b].second;
      buffer.copy_from(from_model[b].second);
    }
  }
}

void Trainer::broadcast_state() {
  std::vector<Tensor> tensors;
  for (const auto& [name, tensor] : model_->state())
    tensors.push_back(tensor);
  for (const Optimizer& optimizer : impl_->optimizers) {
    tensors.insert(tensors.end(), optimizer.adam->exp_avg().begin(),
                   optimizer.adam->exp_avg().end());
    tensors.insert(tensors.end(), optimizer.adam->exp_avg_sq().begin(),
                   optimizer.adam->exp_avg_sq().end());
  }
  broadcast_tensors(impl_->ranks, tensors);
  for (Optimizer& optimizer : impl_->optimizers) {
    std::vector<int64_t> steps = optimizer.adam->steps();
    impl_->ranks.broadcast(std::as_writable_bytes(std::span(steps)));
    optimizer.adam->set_steps(steps);
  }
}

Trainer::~Trainer() = default;

std::unique_ptr<Trainer> Trainer::resume(const RunOptions& options,
                                         const std::function<void(TrainConfig&)>& adjust) {
  Ranks& ranks = Ranks::world();
  // Rank 0 reads the checkpoint and tells the others the run's settings and where it stands;
  // the weights follow once every rank has built the model (broadcast_state).
  TrainingCheckpoint checkpoint;
  std::unique_ptr<RunLock> lock;
  std::string failure;
  if (ranks.is_root()) {
    try {
      const std::filesystem::path path = options.out / "checkpoint.safetensors";
      const auto nothing = [&] {
        return Error("nothing to resume: " + path.string() + " does not exist");
      };
      if (!std::filesystem::is_directory(options.out)) throw nothing();
      // Locked before the checkpoint is read, so that a trainer still running there cannot
      // write a newer one after it; and a busy folder is named as such even before its first
      // checkpoint.
      lock = std::make_unique<RunLock>(options.out);
      if (!std::filesystem::exists(path)) throw nothing();
      checkpoint = read_checkpoint(path);
      if (adjust) adjust(checkpoint.config);
    } catch (const std::exception& e) {
      if (ranks.size() == 1) throw;
      failure = e.what();
    }
  }
  ranks.broadcast(failure);
  if (!failure.empty()) throw Error(failure);
  if (ranks.size() > 1) {
    std::string text = nlohmann::json(checkpoint.config).dump();
    ranks.broadcast(text);
    checkpoint.config = nlohmann::json::parse(text).get<TrainConfig>();
    // The metadata that rebuilds the model (a denoiser's generator among it).
    std::string metadata = nlohmann::json(checkpoint.file.metadata).dump();
    ranks.broadcast(metadata);
    checkpoint.file.metadata =
        nlohmann::json::parse(metadata).get<std::map<std::string, std::string>>();
    std::array<int64_t, 3> state{checkpoint.state.stage, checkpoint.state.stage_step,
                                 checkpoint.state.global_step};
    ranks.broadcast(std::as_writable_bytes(std::span(state)));
    checkpoint.state = {static_cast<int>(state[0]), state[1], state[2]};
  }
  return std::unique_ptr<Trainer>(
      new Trainer(checkpoint.config, options, &checkpoint, std::move(lock)));
}

int64_t Trainer::batch() const {
  return impl_->batch;
}

int64_t Trainer::global_batch() const {
  return impl_->batch * config_.micro_batches;
}

int64_t Trainer::stage_steps(int stage) const {
  const StageSchedule& schedule = config_.schedule(stage);
  if (schedule.steps > 0) return schedule.steps;
  return schedule.epochs * (impl_->images.size() / global_batch());
}

void Trainer::start_stage() {
  impl_->optimizers.clear();
  impl_->replica_optimizers.clear();
  if (state_.stage > stage_count()) return;
  model_->prepare_stage(state_.stage);
  impl_->optimizers = model_->make_optimizers(state_.stage, config_);
  for (const std::unique_ptr<Model>& replica : impl_->replicas) {
    replica->prepare_stage(state_.stage);
    impl_->replica_optimizers.push_back(replica->make_optimizers(state_.stage, config_));
  }
}

LossValues Trainer::step(const TrainingStage& info, const std::vector<float>& images) {
  const int r = model_->image_size();
  const int64_t batch = this->batch();
  const int local = impl_->local_micro_batches;
  const int first = impl_->ranks.rank() * local;  // this rank's first micro-batch of the step
  // z for the whole global batch, drawn as one batch of that size would draw it, so that z does
  // not depend on how the batch is split.
  std::vector<float> latents;
  const int64_t nz = model_->latent_size();
  if (info.generates) {
    Rng z_rng(step_seed(config_.seed, state_.global_step, 1));
    latents = latent_values(static_cast<size_t>(global_batch() * nz), model_->prior(), z_rng);
  }
  const uint64_t noise_seed = step_seed(config_.seed, state_.global_step, 2);
  const size_t image_floats = static_cast<size_t>(batch * 3 * r * r);
  auto micro_step = [&](Model& model, Optimizers& optimizers, int k) {
    const int micro = first + k;
    const Tensor x = Tensor::from_host(
        {batch, 3, r, r},
        std::span(images).subspan(static_cast<size_t>(k) * image_floats, image_floats));
    Tensor z;
    if (info.generates) {
      const size_t count = static_cast<size_t>(batch * nz);
      z = Tensor::from_host({batch, nz, 1, 1},
                            std::span(latents).subspan(static_cast<size_t>(micro) * count, count));
    }
    return model.step(state_.stage, optimizers,
                      {x, z, micro_batch_seed(noise_seed, micro), config_});
  };
  if (!impl_->sync) return micro_step(*model_, impl_->optimizers, 0);

  std::vector<LossValues> losses(static_cast<size_t>(local));
  std::vector<std::function<void()>> steps;
  for (int k = 0; k < local; ++k) {
    steps.emplace_back([&, k] {
      losses[static_cast<size_t>(k)] =
          k == 0 ? micro_step(*model_, impl_->optimizers, 0)
                 : micro_step(*impl_->replicas[static_cast<size_t>(k - 1)],
                              impl_->replica_optimizers[static_cast<size_t>(k - 1)], k);
    });
  }
  impl_->sync->run(steps);
  std::vector<nn::NamedTensors> replica_buffers{buffers(*model_)};
  for (const std::unique_ptr<Model>& replica : impl_->replicas)
    replica_buffers.push_back(buffers(*replica));
  impl_->sync->average_buffers(replica_buffers);

  std::vector<double> sums(losses[0].size(), 0.0);
  for (const LossValues& values : losses) {
    for (size_t i = 0; i < values.size(); ++i)
      sums[i] += values[i].second;
  }
  impl_->sync->average(sums);
  LossValues mean = losses[0];
  for (size_t i = 0; i < mean.size(); ++i) {
    mean[i].second = static_cast<float>(sums[i]);
    if (!std::isfinite(sums[i])) throw NonFiniteLoss(mean[i].first);
  }
  return mean;
}

bool Trainer::run() {
  int64_t steps_this_run = 0;
  auto save = [&](const std::filesystem::path& name) {
    if (impl_->ranks.is_root()) {
      save_checkpoint(options_.out / name, *model_, impl_->optimizers, config_, state_);
    }
  };
  while (state_.stage <= stage_count()) {
    const int stage = state_.stage;
    const TrainingStage& info = stages_[static_cast<size_t>(stage - 1)];
    const int64_t total = stage_steps(stage);
    impl_->last_quality.clear();
    model_->prepare_stage(stage);
    const int64_t batch = global_batch();
    const int64_t per_epoch = impl_->images.size() / batch;
    data::LoaderOptions loader_options{
        batch, config_.seed + static_cast<uint64_t>(stage),
        data::Position{state_.stage_step / per_epoch, state_.stage_step % per_epoch}};
    // This rank's micro-batches of each global batch: every rank shuffles the same way.
    loader_options.slot_count = this->batch() * impl_->local_micro_batches;
    loader_options.slot_begin = loader_options.slot_count * impl_->ranks.rank();
    if (impl_->source_images) loader_options.crop = model_->image_size();
    impl_->loader = std::make_unique<data::Loader>(
        impl_->source_images ? *impl_->source_images : impl_->images, loader_options);
    std::optional<report::Progress> progress;
    if (options_.progress && total > 0) {
      report::ProgressOptions progress_options;
      progress_options.terminal = options_.progress_is_terminal;
      progress.emplace(info.title, total, *options_.progress, progress_options);
    }
    auto interval_start = std::chrono::steady_clock::now();
    double interval_communication = impl_->ranks.seconds();
    uint64_t interval_buckets = impl_->sync ? impl_->sync->buckets_sent() : 0;
    int64_t interval_images = 0;
    while (state_.stage_step < total) {
      // A stop asked of any rank stops them all at the same step.
      const bool stop = options_.stop && options_.stop->load();
      stopped_on_request_ = impl_->ranks.size() > 1 ? impl_->ranks.any(stop) : stop;
      if (stopped_on_request_ || (options_.max_steps && steps_this_run >= *options_.max_steps)) {
        save("checkpoint.safetensors");
        if (progress) progress->finish();
        return false;
      }
      const data::Batch images = impl_->loader->next();
      LossValues losses;
      try {
        losses = step(info, images.images);
      } catch (const NonFiniteLoss& e) {
        save("last-good.safetensors");
        throw Error(std::string("loss '") + e.loss() + "' is not finite at " + info.title +
                    " step " + std::to_string(state_.stage_step) +
                    "; the weights before it are in " +
                    (options_.out / "last-good.safetensors").string());
      }
      ++state_.stage_step;
      ++state_.global_step;
      ++steps_this_run;
      interval_images += batch;
      if (progress) progress->update(state_.stage_step, format_losses(losses));
      if (options_.on_step) options_.on_step(batch);

      const bool stage_done = state_.stage_step == total;
      if (state_.stage_step % config_.log_every == 0 || stage_done) {
        const auto now = std::chrono::steady_clock::now();
        const double seconds = std::chrono::duration<double>(now - interval_start).count();
        std::optional<RunLog::Communication> communication;
        if (impl_->ranks.size() > 1) {
          check_same_weights(impl_->ranks, parameter_tensors(*model_),
                             "at " + info.title + " step " + std::to_string(state_.stage_step));
          const uint64_t buckets = impl_->sync->buckets_sent();
          communication = {impl_->ranks.seconds() - interval_communication,
                           buckets - interval_buckets};
          interval_communication = impl_->ranks.seconds();
          interval_buckets = buckets;
        }
        if (impl_->ranks.is_root()) {
          impl_->log.append(state_, losses, config_.schedule(stage).lr, batch,
                            seconds > 0 ? static_cast<double>(interval_images) / seconds : 0.0,
                            Runtime::get().memory().stats().bytes_in_use, communication);
        }
        interval_start = now;
        interval_images = 0;
      }
      if ((state_.stage_step % config_.sample_every == 0 || stage_done) && impl_->ranks.is_root()) {
        write_samples();
      }
      if (state_.stage_step % config_.checkpoint_every == 0 && !stage_done) {
        save("checkpoint.safetensors");
      }
    }
    if (progress) progress->finish();
    if (options_.progress && !impl_->last_quality.empty()) {
      std::ostringstream line;
      line << info.title << " done: SWD x1e3";
      line.setf(std::ios::fixed);
      line.precision(2);
      const char* separator = " of ";
      for (const auto& [label, value] : impl_->last_quality) {
        line << separator << label << ' ' << value;
        separator = ", of ";
      }
      line << " (" << config_.sample_count << " samples)\n";
      *options_.progress << line.str() << std::flush;
    }
    // The stage's end is saved as the start of the next, with that stage's fresh optimisers, so
    // a resume never mixes moments of two stages.
    ++state_.stage;
    state_.stage_step = 0;
    start_stage();
    save("checkpoint.safetensors");
  }
  return true;
}

void Trainer::log_quality(const eval::GeneratedImages& generated) {
  if (impl_->quality_reference.count == 0) {
    impl_->quality_reference =
        eval::load_images(impl_->images, config_.sample_count, config_.seed ^ kQualitySeed);
  }
  eval::SwdOptions options;
  options.patches_per_image = kQualityPatches;
  options.directions = kQualityDirections;
  options.seed = config_.seed ^ kQualitySeed;
  std::vector<std::pair<std::string, double>> figures;
  impl_->last_quality.clear();
  for (const eval::GeneratedImages::Part& part : generated.parts) {
    if (!part.measured) continue;
    const double swd =
        eval::sliced_wasserstein(part.images, impl_->quality_reference, options).average;
    figures.emplace_back("swd_" + part.name, swd);
    impl_->last_quality.emplace_back(part.label, swd);
  }
  impl_->log.append_quality(state_, figures);
}

void Trainer::write_samples() {
  const std::filesystem::path png = options_.out / "samples" /
                                    ("stage" + std::to_string(state_.stage) + "_step" +
                                     std::to_string(state_.stage_step) + ".png");
  {
    NoGradGuard no_grad;
    model_->set_training(false);
    const int r = model_->image_size();
    const size_t stage = static_cast<size_t>(std::min(state_.stage, stage_count()) - 1);
    if (!stages_[stage].generates) {
      // Inputs in the top row, their reconstructions below.
      const Tensor& x = impl_->fixed_images;
      const Tensor both = ops::concat({x, model_->reconstruct(x)}, 0);
      report::write_image_grid(png, both.to_host(), static_cast<int>(both.dim(0)), 3, r,
                               static_cast<int>(x.dim(0)));
    } else {
      const eval::GeneratedImages generated =
          eval::generate_images(*model_, impl_->fixed_z, config_.batch);
      report::write_image_grid(png, interleaved_rows(generated, kGridColumns),
                               static_cast<int>(generated.parts.size() * generated.image().count),
                               3, r, kGridColumns);
      log_quality(generated);
    }
  }
  if (state_.stage <= stage_count()) model_->prepare_stage(state_.stage);
  if (impl_->log.lines() > 0) report::plot_losses(impl_->log.path(), options_.out / "losses.png");
}

}  // namespace aegan::train
