#pragma once
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "nets/model_sizes.hpp"

namespace aegan::train {

// How long one stage of a model's training runs and how fast it learns. `steps` > 0 overrides
// `epochs`.
struct StageSchedule {
  int64_t epochs = 0;
  int64_t steps = 0;
  double lr = 0.0;
};

// How stage 1 prepares the denoiser phi for stage 2 (not in the paper, whose phi starts from its
// initial weights): not at all, as an autoencoder of real images (L1(phi(x), x)), or restoring
// them from the autoencoder's reconstruction (L1(phi(sg(F(H(x)))), x)).
enum class PhiWarmStart { none, identity, restore };

// What training does to each image before a step: nothing, or StackGAN-v2's random crop of an
// image loaded at side * 76 / 64, mirrored half the time (nets/data/augment.hpp).
enum class Augmentation { none, crop_flip };

// DE-GAN's noise z' for G: drawn from the VAE's posterior q(z | x_hat), or its mean.
enum class Posterior { sample, mean };

// Every option of `aegan-vk train`. What is left empty here the Trainer takes from the model
// (nets/models/registry.hpp): its default preset, prior, batch size and each stage's schedule.
struct TrainConfig {
  std::string model = "aegan";
  ModelSizes preset;  // no values: those of the preset named, else of the model's default one
  std::optional<Prior> prior;  // none: the model's own
  // The frozen generator a model such as the denoiser trains on (a checkpoint or model file);
  // its checkpoint keeps a copy, so resuming does not read it again.
  std::filesystem::path generator;
  std::filesystem::path data;
  int batch = 0;  // 0: the model's default; per micro-batch
  // Micro-batches of `batch` images in each optimiser step, over all ranks (ranks x
  // --accumulate): the step's global batch is micro_batches x batch. Batch norm runs per
  // micro-batch, the optimisers on the mean of their gradients.
  int micro_batches = 1;
  // --sync-bn: batch norm in training over the global batch instead, its statistics gathered
  // from every micro-batch (train::GradientSync).
  bool sync_batch_norm = false;
  std::vector<StageSchedule> stages;  // stage s at [s - 1]; missing stages: the model's defaults
  double beta1 = 0.5, beta2 = 0.999, eps = 1e-8;
  // AEGAN's (docs/models/aegan.md, "Training"); other models ignore them.
  double lambda = 100.0;  // weight of phi's L1 term
  PhiWarmStart phi_warm_start = PhiWarmStart::none;
  // DE-GAN's (docs/models/degan.md, "Losses" and "Training schedule"); other models ignore them.
  Posterior posterior = Posterior::sample;
  double hidden_weight = 0.01;  // lambda2, the weight of the hidden-space loss in G's
  int g_steps = 1;              // G steps after each D step
  // StackGAN-v2's: every this many G steps the generator's average replaces its weights (the
  // official code's snapshots do); 0 never.
  int64_t ema_reload_every = 2000;
  uint64_t seed = 1;
  bool center_crop = false;
  std::optional<Augmentation> augmentation;  // none: the model's
  std::array<uint8_t, 3> background{0, 0, 0};
  std::filesystem::path dataset_cache;  // empty: decode the folder directly
  int64_t log_every = 10;
  int64_t sample_every = 250;
  int64_t checkpoint_every = 500;
  int sample_count = 64;  // images in each sample grid (fixed z, so grids compare over time)

  const StageSchedule& schedule(int stage) const;
};

void to_json(nlohmann::json& j, const TrainConfig& config);
void from_json(const nlohmann::json& j, TrainConfig& config);

}  // namespace aegan::train
