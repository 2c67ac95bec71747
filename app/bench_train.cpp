#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "app/allreduce_report.hpp"
#include "app/bench_report.hpp"
#include "app/commands.hpp"
#include "app/peer.hpp"
#include "app/train_report.hpp"
#include "engine/error.hpp"
#include "engine/ops/conv_tuning.hpp"
#include "engine/runtime.hpp"
#include "nets/models/registry.hpp"
#include "nets/train/ranks.hpp"

namespace aegan::app {
namespace {

struct TrainBenchOptions {
  std::string model = "aegan";
  std::string preset = "all";
  std::vector<int> batches;          // empty: per preset and device, see batches_for()
  std::vector<std::string> figures;  // empty: every figure of the model
  bench::TrainBudget budget;
  bool quick = false;
  bool sizes_only = false;
  std::string json;
  bool peer = false;
  bool tune = false;
  PeerCommand peer_command{"", AEGAN_VK_PEER_SCRIPT, "auto"};
};

// 512-pixel models at batch 16 take hours per figure on lavapipe, so CPU devices time batch 1
// only.
std::vector<int> batches_for(const ModelSizes& preset, const TrainBenchOptions& options) {
  if (!options.batches.empty()) return options.batches;
  if (options.quick) return {2};
  if (preset.at("r") >= 512 && Runtime::get().device().type == VK_PHYSICAL_DEVICE_TYPE_CPU) {
    std::cerr << "bench: note: " << preset.preset
              << " runs at batch 1 only on a CPU device; give --batch 16 to time batch 16 too "
                 "(hours on lavapipe)"
              << std::endl;
    return {1};
  }
  return {16, 1};
}

std::vector<std::string> peer_arguments(const ModelSizes& preset, const std::vector<int>& batches,
                                        const TrainBenchOptions& options) {
  std::vector<std::string> arguments{"--preset",  preset.preset,
                                     "--warmup",  std::to_string(options.budget.warmup),
                                     "--steps",   std::to_string(options.budget.steps),
                                     "--seconds", std::to_string(options.budget.seconds)};
  for (int batch : batches)
    arguments.insert(arguments.end(), {"--batch", std::to_string(batch)});
  for (const std::string& figure : options.figures)
    arguments.insert(arguments.end(), {"--figure", figure});
  return arguments;
}

// The model's presets called `name`, or all of them.
std::vector<ModelSizes> presets_of(const std::string& model, const std::string& name) {
  const ModelKind& kind = model_kind(model);
  std::vector<ModelSizes> out;
  for (const std::string& preset : kind.presets) {
    if (name == "all" || name == preset) out.push_back(kind.preset(preset));
  }
  if (out.empty()) out.push_back(kind.preset(name));  // refuses the unknown name
  return out;
}

void report_sizes(std::ostream& out, const std::string& model,
                  const std::vector<ModelSizes>& presets, nlohmann::ordered_json& ours_json) {
  for (const ModelSizes& preset : presets) {
    const auto sizes = bench::network_sizes(model, preset);
    print_sizes(out, preset.preset, sizes);
    ours_json.push_back({{"preset", preset.preset}, {"sizes", sizes_json(sizes)}});
  }
}

// Runs the peer on one preset with the engine's batches and budget, and checks that it built the
// same networks. The peer goes first, so a model that differs fails before the long engine run.
nlohmann::ordered_json peer_timings(const ModelSizes& preset, const std::vector<int>& batches,
                                    const TrainBenchOptions& options) {
  nlohmann::ordered_json theirs =
      run_peer(options.peer_command, peer_arguments(preset, batches, options)).at("presets").at(0);
  check_same_model(preset.preset, bench::network_sizes(options.model, preset), theirs.at("sizes"));
  return theirs;
}

// bench/peer.py is AEGAN's peer; another model's is bench/peer_<model>.py beside it, unless
// --peer-script names one.
std::string peer_script(const std::string& model, const PeerCommand& peer) {
  if (model == "aegan" || peer.script != AEGAN_VK_PEER_SCRIPT) return peer.script;
  const std::filesystem::path script =
      std::filesystem::path(peer.script).parent_path() / ("peer_" + model + ".py");
  if (!std::filesystem::exists(script)) {
    throw Error("--peer: no PyTorch peer times " + model + " (" + script.string() + ")");
  }
  return script.string();
}

// Under mpirun every rank times the figures on its own device and then the stages' gradient
// all-reduce over all of them; rank 0 reports both.
void check_ranks(const train::Ranks& ranks, const TrainBenchOptions& options) {
  if (ranks.size() == 1) return;
  if (options.peer || options.tune) {
    throw Error(
        "bench train under mpirun times the all-reduce beside the steps; --peer and "
        "--tune time one process (run them without mpirun)");
  }
  if (model_kind(options.model).on_generator) {
    throw Error("bench train under mpirun: " + options.model +
                " trains on a frozen generator, which the all-reduce benchmark does not build");
  }
}

void run_train_bench(const GlobalOptions& globals, TrainBenchOptions options) {
  const std::vector<ModelSizes> presets = presets_of(options.model, options.preset);
  train::Ranks& ranks = train::Ranks::start(globals);
  check_ranks(ranks, options);
  if (options.peer) options.peer_command.script = peer_script(options.model, options.peer_command);
  // Opened before the long run so that a bad path fails at once.
  std::ofstream json_file;
  if (ranks.is_root() && !options.json.empty()) {
    json_file.open(options.json);
    if (!json_file) throw Error("cannot write " + options.json);
  }
  std::ostream discarded(nullptr);
  std::ostream& out = ranks.is_root() ? std::cout : discarded;
  start_runtime(with_rank_device(globals, ranks));
  const vk::DeviceInfo& device = Runtime::get().device();
  out << describe_device(device) << std::endl;
  if (options.tune) {
    // The warm-up iterations meet every layer shape first and time its kernels there.
    ops::conv::Tuning::active().set_measuring(true);
    options.budget.warmup = std::max(options.budget.warmup, 1);
    out << "tuning: convolution kernel choices go to "
        << ops::conv::Tuning::active().file().string() << std::endl;
  }
  nlohmann::ordered_json json{{"date", today()}, {"device", device_json(device)}};
  auto& ours_json = json["aegan_vk"] = nlohmann::ordered_json::array();
  if (options.sizes_only) {
    report_sizes(out, options.model, presets, ours_json);
  } else {
    nlohmann::ordered_json peer_json;
    std::vector<Comparison> comparison;
    if (options.peer) {
      const std::string description = start_peer(options.peer_command, device);
      out << "peer: " << description << std::endl;
      peer_json = {{"device", description},
                   {"python", options.peer_command.python},
                   {"presets", nlohmann::ordered_json::array()}};
    }
    bench::TrainBenchOptions bench_options;
    bench_options.figures = options.figures;
    bench_options.budget = options.budget;
    for (const ModelSizes& preset : presets) {
      bench_options.batches = batches_for(preset, options);
      bench_options.progress = [&](const std::string& figure, int batch) {
        if (!ranks.is_root()) return;
        std::cerr << "bench: " << preset.preset << " batch " << batch << ": " << figure
                  << std::endl;
      };
      if (options.peer) {
        peer_json["presets"].push_back(peer_timings(preset, bench_options.batches, options));
      }
      const bench::PresetTimings ours = bench::bench_train(options.model, preset, bench_options);
      print_timings(out, ours);
      out.flush();
      ours_json.push_back(timings_json(ours));
      if (ranks.size() > 1) {
        // A fixed count of repetitions: every rank makes the same collective calls.
        const std::vector<bench::AllreduceTiming> allreduces =
            bench::bench_allreduce(options.model, preset, std::max(options.budget.warmup, 1),
                                   options.budget.steps > 0 ? options.budget.steps : 10, ranks);
        print_allreduce_beside_steps(out, ours, allreduces);
        auto& figures = ours_json.back()["allreduce"] = nlohmann::ordered_json::array();
        for (const bench::AllreduceTiming& allreduce : allreduces)
          figures.push_back(allreduce_json(allreduce));
      }
      if (options.peer) {
        const auto rows = compare(ours, peer_json["presets"].back());
        comparison.insert(comparison.end(), rows.begin(), rows.end());
      }
    }
    if (options.peer) {
      print_comparison(out, comparison);
      json["pytorch"] = peer_json;
      json["convention"] = kRatioConvention;
      json["comparison"] = comparison_json(comparison);
    }
  }
  if (json_file.is_open()) {
    json_file << json.dump(2) << '\n';
    if (!json_file) throw Error("cannot write " + options.json);
  }
}

}  // namespace

void register_bench_train(CLI::App& bench, const GlobalOptions& globals) {
  auto options = std::make_shared<TrainBenchOptions>();
  auto* command = bench.add_subcommand(
      "train",
      "Images per second and peak device memory of one step of each training stage (AEGAN: "
      "autoencoder, and gan = D_E, G_E, D_R, phi; DCGAN: gan = D, G) and of inference on fresh "
      "weights; with --peer, side by side with the same model in PyTorch (bench/peer.py, "
      "bench/peer_dcgan.py); under mpirun -np N, with each stage's gradient all-reduce over the "
      "N ranks beside its step.");
  command->add_option("--model", options->model, "the model: aegan or dcgan")
      ->capture_default_str();
  auto* preset = command
                     ->add_option("--preset", options->preset,
                                  "a preset of the model or all (AEGAN: tiny64, paper512; DCGAN: "
                                  "dcgan64, dcgan512, dcgan-tiny64)")
                     ->capture_default_str();
  command
      ->add_option("--batch", options->batches,
                   "batch size, repeatable (default: 16 and 1; paper512 on a CPU device: 1)")
      ->check(CLI::Range(1, 4096));
  command->add_option("--figure", options->figures,
                      "time only this figure (repeatable): a training stage's name (AEGAN: "
                      "autoencoder, gan; DCGAN: gan) or inference");
  command->add_option("--warmup", options->budget.warmup, "untimed iterations before each figure")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  auto* steps =
      command
          ->add_option("--steps", options->budget.steps,
                       "timed iterations per figure (0: as many as --seconds allows, at least 1)")
          ->check(CLI::NonNegativeNumber)
          ->capture_default_str();
  command->add_option("--seconds", options->budget.seconds, "seconds of timing per figure")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->add_flag("--quick", options->quick,
                    "a smoke test for CI: the model's default preset (unless --preset), batch 2, "
                    "1 warm-up and 1 timed iteration");
  command->add_flag("--sizes-only", options->sizes_only,
                    "print every network's parameter count and exit without timing");
  command->add_option("--json", options->json, "also write the results as JSON to FILE")
      ->type_name("FILE");
  command->add_flag("--tune", options->tune,
                    "time every candidate convolution kernel on each layer shape during the "
                    "warm-up and keep the fastest for this device and driver (used by every "
                    "later run), then time the figures with those choices");
  add_peer_options(*command, options->peer, options->peer_command,
                   "also time the same model in PyTorch (bench/peer.py for AEGAN, "
                   "bench/peer_<model>.py for another) and print both with the ratio aegan-vk "
                   "time / PyTorch time");
  command->callback([&globals, options, preset, steps] {
    TrainBenchOptions run = *options;
    if (run.quick) {
      if (preset->count() == 0) run.preset = model_kind(run.model).default_preset;
      run.budget.warmup = 1;
      if (steps->count() == 0) run.budget.steps = 1;
    }
    run_train_bench(globals, run);
  });
}

}  // namespace aegan::app
