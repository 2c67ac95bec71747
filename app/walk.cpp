#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "app/commands.hpp"
#include "engine/error.hpp"
#include "nets/latent_walk.hpp"
#include "nets/models/registry.hpp"
#include "nets/report/image_grid.hpp"
#include "nets/sampler.hpp"

namespace aegan::app {
namespace {

struct WalkFlags {
  std::string checkpoint, out, mode = "spline";
  int frames = 60;
  int keyframes = 8;
  uint64_t seed = 1;
  double speed = 0.5;  // keyframes per second
  double fps = 30;
  int strip_columns = 12;
  bool no_loop = false;
};

void run_walk(const WalkFlags& flags, const GlobalOptions& globals) {
  if (flags.frames < 1 || flags.fps <= 0) throw Error("--frames and --fps must be positive");
  start_runtime(globals);
  std::unique_ptr<Model> model = load_model(flags.checkpoint);
  const int nz = model->latent_size(), r = model->image_size();
  const LatentWalk walk(nz, flags.keyframes, flags.seed, interpolation_by_name(flags.mode),
                        !flags.no_loop, model->prior());
  const Tensor z = Tensor::from_host({flags.frames, nz},
                                     walk.frames(0.0, flags.speed / flags.fps, flags.frames));
  const std::vector<float> images = generate(*model, z, 16).back().images.to_host();
  std::filesystem::create_directories(flags.out);
  const size_t image = static_cast<size_t>(3 * r * r);
  for (int f = 0; f < flags.frames; ++f) {
    char name[32];
    std::snprintf(name, sizeof name, "frame_%05d.png", f);
    report::write_image_grid(std::filesystem::path(flags.out) / name,
                             std::span<const float>(images).subspan(f * image, image), 1, 3, r, 1,
                             0);
  }
  report::write_image_grid(std::filesystem::path(flags.out) / "strip.png", images, flags.frames, 3,
                           r, std::min(flags.frames, flags.strip_columns));
  std::cout << "wrote " << flags.frames << " frames and strip.png to " << flags.out << '\n';
}

}  // namespace

void register_walk(CLI::App& app, const GlobalOptions& globals) {
  auto* command = app.add_subcommand(
      "walk",
      "Render a latent walk (the viewer's, without a window) to numbered PNG frames and a "
      "strip of all frames.");
  auto flags = std::make_shared<WalkFlags>();
  command->add_option("--checkpoint", flags->checkpoint, "checkpoint or model file")->required();
  command->add_option("--out", flags->out, "output folder")->required();
  command->add_option("--frames", flags->frames, "frames to render")->capture_default_str();
  command->add_option("--seed", flags->seed, "seed of the keyframes")->capture_default_str();
  command->add_option("--keyframes", flags->keyframes, "keyframes in the walk")
      ->capture_default_str();
  command
      ->add_option("--mode", flags->mode, "interpolation between keyframes: lerp, slerp or spline")
      ->capture_default_str();
  command->add_option("--speed", flags->speed, "keyframes per second")->capture_default_str();
  command->add_option("--fps", flags->fps, "frames per second of the recording")
      ->capture_default_str();
  command->add_option("--strip-columns", flags->strip_columns, "frames per row of strip.png")
      ->capture_default_str();
  command->add_flag("--no-loop", flags->no_loop, "stop at the last keyframe instead of looping");
  command->callback([flags, &globals] { run_walk(*flags, globals); });
}

}  // namespace aegan::app
