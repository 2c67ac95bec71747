#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nets/models/aegan/networks.hpp"

namespace aegan::bench {

// What `aegan-vk bench train` times, each one iteration as the trainer or the sampler runs it:
// "autoencoder" (AEGAN's stage 1 step), "gan" (its stage 2 step: D_E, G_E, D_R, phi) and
// "inference" (phi(F(G_E(z))) in eval mode, without gradients), each driven through the Model
// interface as the trainer and the sampler drive it.
const std::vector<std::string>& train_figures();

// Element counts of one network: trained parameters, and buffers (BN running statistics).
struct NetworkSize {
  std::string network;
  int64_t parameters = 0;
  int64_t buffers = 0;
};
// Those of every network of a model (Aegan::networks(), dcgan::Dcgan::networks()).
std::vector<NetworkSize> network_sizes(const nn::Networks& networks);

// How long each figure is measured: `warmup` iterations first (pipelines, first allocations,
// Adam's moments), then `steps` timed iterations, or with steps = 0 as many as fit in `seconds`
// (at least one).
struct TrainBudget {
  int warmup = 1;
  int steps = 0;
  double seconds = 20;
};

struct FigureTiming {
  std::string figure;
  int batch = 0;
  int warmup = 0;
  int repetitions = 0;
  double seconds = 0;      // mean wall time of one iteration, the stream finished after each
  double min_seconds = 0;  // fastest iteration
  // Most device memory held by tensors during the timed iterations (model, optimiser state and
  // activations alike), from the runtime's memory pool.
  uint64_t peak_bytes = 0;

  double images_per_second() const { return batch / seconds; }
};

struct TrainBenchOptions {
  std::vector<int> batches{16, 1};
  std::vector<std::string> figures = train_figures();
  TrainBudget budget;
  uint64_t seed = 1;
  // Called before each figure is measured (progress output).
  std::function<void(const std::string& figure, int batch)> progress;
};

struct PresetTimings {
  Preset preset;
  std::vector<NetworkSize> sizes;
  std::vector<FigureTiming> figures;  // batches in the order given, figures in train_figures()'s
};

// A freshly initialised model of `preset` on the runtime's device, random images and latents.
PresetTimings bench_train(const Preset& preset, const TrainBenchOptions& options);

// Network sizes of the preset's model without timing anything.
std::vector<NetworkSize> network_sizes(const Preset& preset);

}  // namespace aegan::bench
