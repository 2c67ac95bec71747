#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <memory>

#include "app/allreduce_report.hpp"
#include "app/bench_report.hpp"
#include "app/commands.hpp"
#include "bench/allreduce_bench.hpp"
#include "engine/error.hpp"
#include "engine/runtime.hpp"
#include "nets/models/registry.hpp"
#include "nets/train/ranks.hpp"

namespace aegan::app {
namespace {

struct AllreduceOptions {
  std::string model = "aegan";
  std::string preset;  // empty: the model's default
  int warmup = 2;
  int steps = 20;
  std::string json;
};

void run_allreduce_bench(const GlobalOptions& globals, const AllreduceOptions& options) {
  const ModelKind& kind = model_kind(options.model);
  if (kind.on_generator) {
    throw Error("bench allreduce builds models on their own; " + options.model +
                " trains on a frozen generator (its trained networks: bench train --sizes-only)");
  }
  const ModelSizes sizes =
      kind.preset(options.preset.empty() ? kind.default_preset : options.preset);
  train::Ranks& ranks = train::Ranks::world();
  std::ofstream json_file;
  if (ranks.is_root() && !options.json.empty()) {
    json_file.open(options.json);
    if (!json_file) throw Error("cannot write " + options.json);
  }
  start_runtime(with_rank_device(globals, ranks));
  const vk::DeviceInfo& device = Runtime::get().device();
  if (ranks.is_root()) {
    std::cout << describe_device(device) << std::endl;
    if (ranks.size() == 1) {
      std::cout << "note: one rank communicates nothing; run under mpirun -np N to time MPI"
                << std::endl;
    }
  }
  const std::vector<bench::AllreduceTiming> timings =
      bench::bench_allreduce(options.model, sizes, options.warmup, options.steps, ranks);
  if (!ranks.is_root()) return;
  nlohmann::ordered_json stages = nlohmann::ordered_json::array();
  for (const bench::AllreduceTiming& timing : timings) {
    print_allreduce(std::cout, sizes.preset, timing);
    stages.push_back(allreduce_json(timing));
  }
  if (json_file.is_open()) {
    const nlohmann::ordered_json json{{"date", today()},
                                      {"device", device_json(device)},
                                      {"model", options.model},
                                      {"preset", sizes.preset},
                                      {"stages", stages}};
    json_file << json.dump(2) << '\n';
    if (!json_file) throw Error("cannot write " + options.json);
  }
}

}  // namespace

void register_bench_allreduce(CLI::App& bench, const GlobalOptions& globals) {
  auto options = std::make_shared<AllreduceOptions>();
  auto* command = bench.add_subcommand(
      "allreduce",
      "Milliseconds per training step of the gradient all-reduce of each training stage (the "
      "mean over the ranks of every trained parameter's gradient, as data-parallel training "
      "does it), on the model's gradient shapes; run it under mpirun -np N.");
  command->add_option("--model", options->model, "the model: aegan or dcgan")
      ->capture_default_str();
  command->add_option("--preset", options->preset,
                      "a preset of the model (default: the model's; AEGAN: tiny64, paper512; "
                      "DCGAN: dcgan64, dcgan512, dcgan-tiny64)");
  command->add_option("--warmup", options->warmup, "untimed steps before each stage's")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command
      ->add_option("--steps", options->steps,
                   "timed steps per stage (a fixed count: every rank makes the same calls)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->add_option("--json", options->json, "also write the results as JSON to FILE")
      ->type_name("FILE");
  command->callback([&globals, options] { run_allreduce_bench(globals, *options); });
}

}  // namespace aegan::app
