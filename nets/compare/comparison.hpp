#pragma once
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nets/eval/checkpoint_eval.hpp"
#include "nets/train/config.hpp"

namespace aegan::compare {

// One row of the comparison: a model trained on the data, or the denoiser trained on a baseline
// model's frozen generator ("dcgan+phi").
struct Contender {
  std::string name;   // the row's name and its run folder under OUT/runs/
  std::string model;  // the registry's name: "aegan", "dcgan", "denoiser"
  std::string preset;
  std::string base;  // the denoiser's baseline contender; empty for the others
};

struct CompareOptions {
  std::filesystem::path data, out;
  std::vector<std::string> models;             // "aegan", "dcgan", ...; the order of the rows
  std::map<std::string, std::string> presets;  // by model; a model not named: its default preset
  // Learning rates of single stages in place of the model's defaults: {model, stage} -> rate,
  // stages from 1 ("denoiser" for every denoiser of --denoise).
  std::map<std::pair<std::string, int>, double> learning_rates;
  std::optional<int64_t> images;  // images seen in training, per contender
  std::optional<double> minutes;  // wall-clock training time, per contender
  bool denoise = false;           // also the denoiser on every model but AEGAN
  // Shared by every run: seed, batch (0: each model's own), background, crop, sample grids.
  train::TrainConfig train;
  eval::CheckpointEvalOptions eval;
  int samples_shown = 8;  // images of each contender in compare.png
  std::ostream* progress = nullptr;
  bool progress_is_terminal = false;
  const std::atomic<bool>* stop = nullptr;  // set by a signal handler: checkpoint and return
};

// The contenders of the options, in row order, each denoiser after its baseline. Unknown
// models, a preset or learning rate of a model not compared (or of a stage it does not have),
// repeated models or a missing budget are an aegan::Error.
std::vector<Contender> contenders(const CompareOptions& options);

struct ContenderResult {
  Contender contender;
  std::filesystem::path run;  // OUT/runs/<name>
  int64_t images_seen = 0;
  double train_seconds = 0;  // summed over every invocation that trained it
  eval::CheckpointEval eval;
  double fd_random = 0;  // eval::random_feature_distance of its samples and the data
};

struct Comparison {
  std::vector<ContenderResult> results;
  bool complete = false;  // false: stopped on request before every run was trained
};

// Trains every contender in its run folder OUT/runs/<name> (an ordinary `aegan-vk train` run:
// a finished run is kept, an unfinished one resumed, one made with other settings refused),
// then evaluates each as `aegan-vk eval` does with options.eval, adds the random-feature
// Fréchet distance, and writes OUT/compare.md, OUT/compare.json and OUT/compare.png. Progress
// covers the training of all contenders. The runtime must be started.
Comparison run_comparison(const CompareOptions& options);

}  // namespace aegan::compare
