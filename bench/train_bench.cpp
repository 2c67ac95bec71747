#include "bench/train_bench.hpp"

#include <algorithm>
#include <chrono>

#include "engine/error.hpp"
#include "engine/init.hpp"
#include "engine/runtime.hpp"
#include "nets/models/registry.hpp"
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
  const vk::Stream& stream = runtime.stream();
  const uint64_t host_waits = stream.host_waits(), slot_waits = stream.slot_waits();
  FigureTiming timing{figure, batch, budget.warmup};
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
  timing.host_waits = static_cast<double>(stream.host_waits() - host_waits) / timing.repetitions;
  timing.slot_waits = static_cast<double>(stream.slot_waits() - slot_waits) / timing.repetitions;
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
FigureTiming run_figure(Model& model, const std::string& figure, int batch,
                        const TrainBenchOptions& options, Rng& rng) {
  const int r = model.image_size(), nz = model.latent_size();
  if (figure == "inference") {
    const Tensor z = draw_latents({batch, nz}, model.prior(), rng);
    return measure(figure, batch, options.budget, [&] { generate(model, z, batch); });
  }
  const std::vector<TrainingStage> stages = model.stages();
  train::TrainConfig config;
  int stage = 0;
  for (const TrainingStage& each : stages) {
    config.stages.push_back(each.schedule);
    if (each.name == figure) stage = static_cast<int>(config.stages.size());
  }
  const Tensor x = uniform({batch, 3, r, r}, -1.0f, 1.0f, rng);
  Tensor z;
  if (stages[static_cast<size_t>(stage - 1)].generates) {
    z = draw_latents({batch, nz, 1, 1}, model.prior(), rng);
  }
  model.prepare_stage(stage);
  train::Optimizers optimizers = model.make_optimizers(stage, config);
  uint64_t step = 0;
  FigureTiming timing = measure(figure, batch, options.budget, [&] {
    model.step(stage, optimizers, {x, z, options.seed + ++step, config});
  });
  forget_gradients(optimizers);
  return timing;
}

}  // namespace

std::vector<std::string> train_figures(const std::string& model) {
  std::vector<std::string> figures;
  for (const TrainingStage& stage : model_kind(model).stages) {
    if (stage.schedule.epochs > 0) figures.push_back(stage.name);
  }
  figures.push_back("inference");
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

std::vector<NetworkSize> network_sizes(const std::string& model, const ModelSizes& sizes) {
  return network_sizes(create_model(model, sizes)->networks());
}

PresetTimings bench_train(const std::string& model_name, const ModelSizes& sizes,
                          const TrainBenchOptions& options) {
  const std::vector<std::string> known = train_figures(model_name);
  for (const std::string& figure : options.figures) {
    if (std::find(known.begin(), known.end(), figure) != known.end()) continue;
    std::string names;
    for (const std::string& name : known)
      names += (names.empty() ? "" : ", ") + name;
    throw Error("unknown figure '" + figure + "' of " + model_name + " (known: " + names + ")");
  }
  const std::unique_ptr<Model> model = create_model(model_name, sizes);
  model->initialise(options.seed);
  PresetTimings result{model_name, sizes, network_sizes(model->networks()), {}};
  Rng rng(options.seed);
  for (int batch : options.batches) {
    for (const std::string& figure : known) {
      if (!options.figures.empty() && std::find(options.figures.begin(), options.figures.end(),
                                                figure) == options.figures.end()) {
        continue;
      }
      if (options.progress) options.progress(figure, batch);
      result.figures.push_back(run_figure(*model, figure, batch, options, rng));
    }
  }
  return result;
}

}  // namespace aegan::bench
