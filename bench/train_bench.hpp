#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nets/model_sizes.hpp"
#include "nets/module.hpp"

namespace aegan::bench {

// What `aegan-vk bench train` times of a model (nets/models/registry.hpp), each one iteration as
// the trainer or the sampler runs it: one step of each stage its default schedule runs, under
// the stage's name (AEGAN: "autoencoder", "gan" = D_E, G_E, D_R, phi; DCGAN: "gan" = D, G), and
// "inference" (generate(z) in eval mode, without gradients).
std::vector<std::string> train_figures(const std::string& model);

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
  // Mean over the timed iterations of the host's waits for the device (vk::Stream::host_waits():
  // the reads of results a step needs) and of its waits for a command buffer to come back
  // (vk::Stream::slot_waits(): the host recording that far ahead of the device).
  double host_waits = 0;
  double slot_waits = 0;

  double images_per_second() const { return batch / seconds; }
};

struct TrainBenchOptions {
  std::vector<int> batches{16, 1};
  std::vector<std::string> figures;  // empty: train_figures(model)
  TrainBudget budget;
  uint64_t seed = 1;
  // Called before each figure is measured (progress output).
  std::function<void(const std::string& figure, int batch)> progress;
};

struct PresetTimings {
  std::string model;
  ModelSizes preset;
  std::vector<NetworkSize> sizes;
  std::vector<FigureTiming>
      figures;  // batches in the order given, figures in train_figures(model)'s
};

// A freshly initialised model of that kind and sizes on the runtime's device, random images and
// latents.
PresetTimings bench_train(const std::string& model, const ModelSizes& sizes,
                          const TrainBenchOptions& options);

// Network sizes of such a model without timing anything.
std::vector<NetworkSize> network_sizes(const std::string& model, const ModelSizes& sizes);

}  // namespace aegan::bench
