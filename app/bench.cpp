#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "app/bench_report.hpp"
#include "app/commands.hpp"
#include "app/peer.hpp"
#include "bench/conv_bench.hpp"
#include "bench/peak.hpp"
#include "engine/error.hpp"
#include "engine/ops/conv_kernels.hpp"
#include "engine/runtime.hpp"

namespace aegan::app {
namespace {

struct OpsOptions {
  std::string preset = "all";
  int batch = 0;  // 0 = the preset's default
  std::vector<std::string> variants;
  std::vector<std::string> layers;
  bool all_variants = false;
  std::string json;
  bool quick = false;
  double max_seconds = 300;
  bool peer = false;
  PeerCommand peer_command{"", AEGAN_VK_PEER_SCRIPT, "auto"};
};

// Batches that keep a sweep of the whole network to minutes on lavapipe, a CPU.
int default_batch(const Preset& preset) {
  return preset.name == "tiny64" ? 16 : 1;
}

PresetBench bench_preset(const Preset& preset, const OpsOptions& options) {
  PresetBench run{preset,
                  options.batch > 0 ? options.batch : default_batch(preset),
                  bench::shapes_of_layers(bench::distinct_conv_shapes(preset), options.layers),
                  {}};
  // --quick (CI): one shape, a couple of repetitions, just to prove the path works.
  if (options.quick) run.shapes.resize(1);
  bench::ConvBenchOptions conv;
  conv.batch = run.batch;
  if (options.all_variants) {
    conv.variants = ops::conv::variant_names();
    conv.variants.insert(conv.variants.begin(), "");
  } else if (!options.variants.empty()) {
    conv.variants = options.variants;
  }
  if (options.quick) conv.repetitions.fixed = 2;
  conv.max_seconds = options.max_seconds;
  conv.progress = [&](size_t index, size_t count) {
    std::cerr << "bench: " << preset.name << " shape " << index + 1 << "/" << count << ": "
              << run.shapes[index].describe() << std::endl;
  };
  run.result = bench::bench_conv(run.shapes, conv);
  for (const std::string& variant : conv.variants) {
    const auto& measured = run.result.measurements;
    if (!variant.empty() && std::none_of(measured.begin(), measured.end(),
                                         [&](const auto& m) { return m.variant == variant; })) {
      std::cerr << "bench: " << variant << " runs none of these " << preset.name
                << " shapes on this device" << std::endl;
    }
  }
  return run;
}

// PyTorch's times for every pass of the shapes the engine timed (bench/peer.py --conv-shapes),
// with the engine's repetitions policy.
PeerConvTimes peer_conv_times(const PeerCommand& peer, const PresetBench& run, bool quick) {
  nlohmann::ordered_json spec{{"batch", run.batch},
                              {"repetitions", quick ? 2 : 0},
                              {"shapes", nlohmann::ordered_json::array()}};
  for (size_t i = 0; i < run.result.shapes_done; ++i) {
    const bench::ConvShape& s = run.shapes[i];
    spec["shapes"].push_back({{"transposed", s.transposed},
                              {"cin", s.cin},
                              {"cout", s.cout},
                              {"k", s.k},
                              {"stride", s.stride},
                              {"pad", s.pad},
                              {"in_size", s.in_size},
                              {"out_size", s.out_size},
                              {"bias", s.bias}});
  }
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("aegan-vk-conv-shapes-" + std::to_string(::getpid()) + ".json");
  {
    std::ofstream file(path);
    file << spec.dump() << '\n';
    if (!file) throw Error("cannot write " + path.string());
  }
  nlohmann::ordered_json answer;
  try {
    answer = run_peer(peer, {"--conv-shapes", path.string()});
  } catch (...) {
    std::filesystem::remove(path);
    throw;
  }
  std::filesystem::remove(path);
  PeerConvTimes times;
  for (const auto& m : answer.at("conv").at("measurements")) {
    const std::string name = m.at("pass").get<std::string>();
    const auto pass = std::find_if(std::begin(bench::kConvPasses), std::end(bench::kConvPasses),
                                   [&](bench::ConvPass p) { return name == bench::pass_name(p); });
    const size_t shape = m.at("shape").get<size_t>();
    if (pass == std::end(bench::kConvPasses) || shape >= run.result.shapes_done) {
      throw Error("the PyTorch peer answered for an unknown conv pass: " + m.dump());
    }
    times[{shape, *pass}] = {m.at("repetitions").get<int>(), m.at("ms").get<double>() * 1e-3};
  }
  return times;
}

void run_ops(const GlobalOptions& globals, OpsOptions options) {
  std::vector<Preset> presets;
  if (options.preset == "all") {
    presets = {preset_by_name("tiny64"), preset_by_name("paper512")};
  } else {
    presets = {preset_by_name(options.preset)};
  }
  for (const Preset& preset : presets) {
    if (bench::shapes_of_layers(bench::distinct_conv_shapes(preset), options.layers).empty())
      throw Error("--layer: no conv layer of " + preset.name +
                  " has a name containing any of the names given");
  }
  // Opened before the long run so that a bad path fails at once.
  std::ofstream json_file;
  if (!options.json.empty()) {
    json_file.open(options.json);
    if (!json_file) throw Error("cannot write " + options.json);
  }
  start_runtime(globals);
  OpsReport report;
  report.device = Runtime::get().device();
  if (options.peer) report.peer = start_peer(options.peer_command, report.device);
  std::cerr << "bench: measuring the device's FMA throughput" << std::endl;
  bench::Repetitions peak_repetitions;
  if (options.quick) peak_repetitions.fixed = 1;
  report.peak_flops = bench::measure_fma_peak(peak_repetitions);
  for (const Preset& preset : presets) {
    report.presets.push_back(bench_preset(preset, options));
    if (options.peer) {
      PresetBench& run = report.presets.back();
      run.peer = peer_conv_times(options.peer_command, run, options.quick);
    }
  }
  print_ops_report(std::cout, report);
  std::cout.flush();
  if (json_file.is_open()) {
    json_file << ops_report_json(report).dump(2) << '\n';
    if (!json_file) throw Error("cannot write " + options.json);
  }
}

void register_ops(CLI::App& bench, const GlobalOptions& globals) {
  auto* command = bench.add_subcommand(
      "ops",
      "GFLOP/s and GB/s of the conv2d and conv_transpose2d kernels (forward, backward-data, "
      "backward-weight) on every distinct layer shape of a preset, on the selected device.");
  auto options = std::make_shared<OpsOptions>();
  command->add_option("--preset", options->preset, "tiny64, paper512 or all")
      ->check(CLI::IsMember({"tiny64", "paper512", "all"}))
      ->capture_default_str();
  command
      ->add_option("--batch", options->batch, "batch size (default: 16 for tiny64, 1 for paper512)")
      ->check(CLI::Range(1, 4096));
  command
      ->add_option("--variant", options->variants,
                   "time only this conv kernel variant (repeatable; 'auto' = the engine's "
                   "choice, the default)")
      ->type_name("NAME");
  command
      ->add_option("--layer", options->layers,
                   "time only the shapes of layers whose name contains NAME (repeatable; e.g. "
                   "f.up1 or phi.dec5.conv)")
      ->type_name("NAME");
  command->add_flag("--all-variants", options->all_variants,
                    "time the engine's choice and every kernel variant side by side");
  command->add_option("--json", options->json, "also write the results as JSON to FILE")
      ->type_name("FILE");
  command->add_flag("--quick", options->quick,
                    "one layer shape per preset and 2 repetitions per pass (a smoke test for CI)");
  command
      ->add_option("--max-seconds", options->max_seconds,
                   "start no new layer shape after this many seconds per preset")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  add_peer_options(*command, options->peer, options->peer_command,
                   "also time each pass of each shape in PyTorch (bench/peer.py) and print its "
                   "time and the ratio aegan-vk time / PyTorch time");
  command->callback([&globals, options] {
    if (options->all_variants && !options->variants.empty()) {
      throw Error("give either --variant or --all-variants, not both");
    }
    // "" is the bench library's name for the engine's own choice.
    for (auto& variant : options->variants) {
      if (variant == "auto") variant.clear();
    }
    bench::check_variants(options->variants);
    run_ops(globals, *options);
  });
}

}  // namespace

void register_bench(CLI::App& app, const GlobalOptions& globals) {
  auto* bench = app.add_subcommand("bench", "Measure the speed of the engine on this device.");
  bench->require_subcommand(1);
  register_ops(*bench, globals);
  register_bench_view(*bench, globals);
  register_bench_train(*bench, globals);
  register_bench_allreduce(*bench, globals);
}

}  // namespace aegan::app
