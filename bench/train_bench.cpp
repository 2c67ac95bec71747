#include "bench/train_bench.hpp"

#include <algorithm>
#include <chrono>

#include "engine/error.hpp"
#include "engine/init.hpp"
#include "engine/runtime.hpp"
#include "nets/models/aegan/steps.hpp"
#include "nets/sampler.hpp"

namespace aegan::bench {
namespace {

FigureTiming measure(const std::string& figure, int batch, const TrainBudget& budget,
                     const std::function<void()>& iteration) {
  Runtime& runtime = Runtime::get();
  for (int i = 0; i < budget.warmup; ++i) {
    iteration();
    runtime.stream().finish();
  }
  runtime.memory().reset_peak();
  FigureTiming timing{figure, batch, budget.warmup, 0, 0, 0, 0};
  double total = 0;
  while (budget.steps > 0 ? timing.repetitions < budget.steps
                          : timing.repetitions == 0 || total < budget.seconds) {
    const auto start = std::chrono::steady_clock::now();
    iteration();
    runtime.stream().finish();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    timing.min_seconds = timing.repetitions ? std::min(timing.min_seconds, seconds) : seconds;
    total += seconds;
    ++timing.repetitions;
  }
  timing.seconds = total / timing.repetitions;
  timing.peak_bytes = runtime.memory().stats().peak_bytes_in_use;
  return timing;
}

// Gradients outlive a step (zero_grad comes before the next backward); dropped after a figure so
// that they do not count towards the next figure's peak memory.
void forget_gradients(train::Optimizers& optimizers) {
  for (train::Optimizer& optimizer : optimizers)
    optimizer.adam->zero_grad();
}

// The inputs stay the same over the iterations: the trainer's upload of a batch and its z draw
// are not part of what is measured.
FigureTiming run_figure(Aegan& model, const std::string& figure, int batch,
                        const TrainBenchOptions& options, Rng& rng) {
  const Preset& p = model.preset();
  const train::TrainConfig config;
  if (figure == "autoencoder") {
    const Tensor x = uniform({batch, 3, p.r, p.r}, -1.0f, 1.0f, rng);
    train::prepare_stage(model, 1);
    train::Optimizers optimizers = train::make_optimizers(model, 1, config);
    FigureTiming timing = measure(figure, batch, options.budget,
                                  [&] { train::autoencoder_step(model, optimizers, x); });
    forget_gradients(optimizers);
    return timing;
  }
  if (figure == "gan") {
    const Tensor x = uniform({batch, 3, p.r, p.r}, -1.0f, 1.0f, rng);
    const Tensor z = uniform({batch, p.nz, 1, 1}, -1.0f, 1.0f, rng);
    train::prepare_stage(model, 2);
    train::Optimizers optimizers = train::make_optimizers(model, 2, config);
    uint64_t step = 0;
    FigureTiming timing = measure(figure, batch, options.budget, [&] {
      model.set_dropout_seed(options.seed + ++step);
      train::gan_step(model, optimizers, x, z, config.lambda);
    });
    forget_gradients(optimizers);
    return timing;
  }
  if (figure == "inference") {
    const Tensor z = uniform({batch, p.nz}, -1.0f, 1.0f, rng);
    return measure(figure, batch, options.budget, [&] { generate(model, z, batch); });
  }
  throw Error("unknown figure '" + figure + "' (known: autoencoder, gan, inference)");
}

}  // namespace

const std::vector<std::string>& train_figures() {
  static const std::vector<std::string> figures{"autoencoder", "gan", "inference"};
  return figures;
}

std::vector<NetworkSize> network_sizes(const nn::Networks& networks) {
  std::vector<NetworkSize> sizes;
  for (auto [name, net] : networks) {
    sizes.push_back(
        {name, nn::element_count(net->parameters()), nn::element_count(net->buffers())});
  }
  return sizes;
}

std::vector<NetworkSize> network_sizes(const Preset& preset) {
  Aegan model(preset);
  return network_sizes(model.networks());
}

PresetTimings bench_train(const Preset& preset, const TrainBenchOptions& options) {
  Aegan model(preset);
  model.initialise(options.seed);
  PresetTimings result{preset, network_sizes(model.networks()), {}};
  Rng rng(options.seed);
  for (int batch : options.batches) {
    for (const std::string& figure : train_figures()) {
      if (std::find(options.figures.begin(), options.figures.end(), figure) ==
          options.figures.end()) {
        continue;
      }
      if (options.progress) options.progress(figure, batch);
      result.figures.push_back(run_figure(model, figure, batch, options, rng));
    }
  }
  return result;
}

}  // namespace aegan::bench
