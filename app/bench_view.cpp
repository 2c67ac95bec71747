#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <numeric>
#include <vector>

#include "app/commands.hpp"
#include "engine/error.hpp"
#include "engine/runtime.hpp"
#include "nets/latent_walk.hpp"
#include "nets/models/registry.hpp"
#include "viewer/core/inference.hpp"

namespace aegan::app {
namespace {

struct ViewBenchOptions {
  std::string model = "aegan";
  std::string preset = "all";
  int frames = 10;
  int warmup = 2;
  double max_seconds = 120;
};

// The viewer's per-frame work without a window: one z of a walk through the model's generator
// (AEGAN: G_E, F, phi) and the conversion for display, waiting for each frame so its stages can be
// read.
void bench_preset(const ModelSizes& preset, const ViewBenchOptions& options) {
  viewer::ViewerModel model = viewer::fresh_viewer_model(options.model, preset, 1);
  viewer::Inference inference(*model.model, 1);
  const LatentWalk walk(model.model->latent_size(), 8, 1, Interpolation::spline, true,
                        model.model->prior());
  const viewer::DisplaySettings display{1, viewer::PixelOrder::bgra, true};
  std::vector<double> totals(inference.stages().size(), 0.0), stages;
  int measured = 0;
  double wall = 0;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(options.max_seconds);
  for (int frame = 0; frame < options.warmup + options.frames; ++frame) {
    const auto start = std::chrono::steady_clock::now();
    inference.run(*model.model, walk.at(frame / 30.0), display, 0);
    Runtime::get().stream().finish();
    const auto end = std::chrono::steady_clock::now();
    if (frame < options.warmup) continue;
    if (!inference.clock().read(0, stages)) throw Error("the stage timings could not be read");
    for (size_t i = 0; i < stages.size(); ++i)
      totals[i] += stages[i];
    wall += std::chrono::duration<double>(end - start).count();
    ++measured;
    if (end > deadline) break;
  }
  std::printf("%-12s %3dpx  %6.2f fps  (%d frames, %s)\n", preset.preset.c_str(),
              model.model->image_size(), measured / wall, measured,
              inference.clock().gpu() ? "stages by GPU timestamps" : "stages by host timing");
  for (size_t i = 0; i < totals.size(); ++i) {
    std::printf("  %-8s %9.3f ms\n", inference.stages()[i].c_str(), totals[i] / measured);
  }
  std::printf("  %-8s %9.3f ms (host, per frame)\n", "total", 1000.0 * wall / measured);
}

void run_view_bench(const GlobalOptions& globals, const ViewBenchOptions& options) {
  if (options.frames < 1 || options.warmup < 0) throw Error("--frames must be at least 1");
  const ModelKind& kind = model_kind(options.model);
  if (kind.on_generator) {
    throw Error("bench view times a model with fresh weights; " + kind.name +
                " needs a trained generator (view it with `aegan-vk view --checkpoint`)");
  }
  std::vector<ModelSizes> presets;
  for (const std::string& name : kind.presets) {
    if (options.preset == "all" || options.preset == name) presets.push_back(kind.preset(name));
  }
  if (presets.empty()) presets.push_back(kind.preset(options.preset));  // refuses the name
  start_runtime(globals);
  std::printf("device: %s, batch 1, fresh weights\n", Runtime::get().device().name.c_str());
  for (const ModelSizes& preset : presets)
    bench_preset(preset, options);
}

}  // namespace

void register_bench_view(CLI::App& bench, const GlobalOptions& globals) {
  auto options = std::make_shared<ViewBenchOptions>();
  auto* command = bench.add_subcommand(
      "view",
      "Frames per second and milliseconds per stage (the generator's: AEGAN G_E, F, phi; then "
      "the conversion for display) of the viewer's work at batch 1, without a window.");
  command->add_option("--model", options->model, "the model: aegan or dcgan")
      ->capture_default_str();
  command
      ->add_option("--preset", options->preset,
                   "a preset of the model or all (AEGAN: tiny64, paper512; DCGAN: dcgan64, "
                   "dcgan512, dcgan-tiny64)")
      ->capture_default_str();
  command->add_option("--frames", options->frames, "frames measured per preset")
      ->capture_default_str();
  command->add_option("--warmup", options->warmup, "frames run first, not measured")
      ->capture_default_str();
  command
      ->add_option("--max-seconds", options->max_seconds,
                   "seconds after which a preset stops being measured")
      ->capture_default_str();
  command->callback([options, &globals] { run_view_bench(globals, *options); });
}

}  // namespace aegan::app
