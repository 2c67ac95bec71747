#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>

#include "engine/io/safetensors.hpp"
#include "nets/model.hpp"
#include "nets/train/config.hpp"
#include "nets/train/gan.hpp"

namespace aegan::train {

// Where a run stands. Everything random in a step derives from (seed, global_step) and the loader
// position from stage_step, so these counters with the weights and moments resume a run exactly.
struct TrainState {
  int stage = 1;
  int64_t stage_step = 0;   // minibatches done in the current stage
  int64_t global_step = 0;  // minibatches done in all stages
};

// One safetensors file: the model's networks under their spec names, BN statistics, each Adam's
// moments ("optim.<optimiser>.<parameter>.exp_avg"/".exp_avg_sq"), and in __metadata__ the
// model's name, sizes and prior (Model::metadata) plus "aegan_vk.training", a JSON text with the
// config, the state and each optimiser's step count. Written atomically.
void save_checkpoint(const std::filesystem::path& path, Model& model, const Optimizers& optimizers,
                     const TrainConfig& config, const TrainState& state);

struct TrainingCheckpoint {
  io::Safetensors file;
  TrainConfig config;
  TrainState state;
};

// The configuration a run's checkpoint, already read from `path`, was trained with; nullopt for a
// bare model file (no training metadata). Errors as read_checkpoint's.
std::optional<TrainConfig> training_config(const std::filesystem::path& path,
                                           const io::Safetensors& file);

// Reads and validates the file; an error names the file and what is wrong.
TrainingCheckpoint read_checkpoint(const std::filesystem::path& path);

// Restores the networks (weights and BN statistics) and, when the checkpoint's stage is the
// optimisers' stage, their moments and step counts.
void restore_checkpoint(const TrainingCheckpoint& checkpoint, Model& model, Optimizers& optimizers);

}  // namespace aegan::train
