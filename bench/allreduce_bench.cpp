#include "bench/allreduce_bench.hpp"

#include <algorithm>
#include <chrono>

#include "engine/runtime.hpp"
#include "nets/models/registry.hpp"
#include "nets/train/gradient_sync.hpp"
#include "nets/train/ranks.hpp"

namespace aegan::bench {
namespace {

using Gradients = std::vector<Tensor>;

// Zero gradients of each optimiser's parameters, as the stage trains them.
std::vector<Gradients> stage_gradients(Model& model, int stage, const train::TrainConfig& config,
                                       std::vector<std::string>& names) {
  model.prepare_stage(stage);
  std::vector<Gradients> out;
  for (const train::Optimizer& optimizer : model.make_optimizers(stage, config)) {
    names.push_back(optimizer.name);
    Gradients gradients;
    for (const Tensor& parameter : optimizer.adam->parameters())
      gradients.push_back(Tensor::zeros(parameter.shape()));
    out.push_back(std::move(gradients));
  }
  return out;
}

// The largest of each rank's value.
double slowest(double value, train::Ranks& ranks) {
  const std::vector<float> all = ranks.gather(std::vector<float>{static_cast<float>(value)});
  return *std::max_element(all.begin(), all.end());
}

}  // namespace

std::vector<AllreduceTiming> bench_allreduce(const std::string& model_name, const ModelSizes& sizes,
                                             int warmup, int repetitions, train::Ranks& ranks) {
  const std::unique_ptr<Model> model = create_model(model_name, sizes);
  train::TrainConfig config;
  for (const TrainingStage& stage : model->stages())
    config.stages.push_back(stage.schedule);
  train::GradientSync sync(1, ranks, false, 0);
  Runtime& runtime = Runtime::get();
  std::vector<AllreduceTiming> timings;
  for (size_t s = 0; s < config.stages.size(); ++s) {
    AllreduceTiming timing{model->stages()[s].name};
    timing.ranks = ranks.size();
    timing.warmup = warmup;
    timing.repetitions = repetitions;
    const std::vector<Gradients> gradients =
        stage_gradients(*model, static_cast<int>(s + 1), config, timing.optimizers);
    for (const Gradients& each : gradients) {
      for (const Tensor& gradient : each)
        timing.elements += gradient.numel();
    }
    auto iteration = [&] {
      for (const Gradients& each : gradients)
        sync.mean_over_ranks(each);
      runtime.stream().finish();
    };
    for (int i = 0; i < warmup; ++i)
      iteration();
    const double mpi_before = ranks.seconds();
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < repetitions; ++i)
      iteration();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double mpi_seconds = ranks.seconds() - mpi_before;
    timing.seconds = slowest(seconds / repetitions, ranks);
    timing.mpi_seconds = slowest(mpi_seconds / repetitions, ranks);
    timings.push_back(timing);
  }
  return timings;
}

}  // namespace aegan::bench
