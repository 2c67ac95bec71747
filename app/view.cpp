#include <CLI/CLI.hpp>
#include <memory>

#include "app/commands.hpp"
#include "app/model_options.hpp"
#include "engine/error.hpp"
#include "nets/latent_walk.hpp"
#ifdef AEGAN_VK_HAVE_VIEWER
#include "viewer/viewer.hpp"
#endif

namespace aegan::app {
namespace {

struct ViewFlags {
  std::string checkpoint, screenshot, record, mode = "spline", walk_in = "z", grey = "fixed";
  ModelFlags model;
  uint64_t init_seed = 1, seed = 1;
  int keyframes = 8, zoom = 0, frames = 0, width = 1280, height = 800, samples = 9;
  double speed = 0.5;
  bool pause = false, no_loop = false, exercise_window = false;
};

void run_view(const ViewFlags& flags, const GlobalOptions& globals) {
#ifdef AEGAN_VK_HAVE_VIEWER
  if (!flags.screenshot.empty() && flags.frames < 1) {
    throw Error("--screenshot needs --frames N (the screenshot is taken after frame N)");
  }
  if (flags.walk_in != "z" && flags.walk_in != "embedding") {
    throw Error("--walk-in must be z or embedding, not '" + flags.walk_in + "'");
  }
  if (flags.grey != "fixed" && flags.grey != "channel") {
    throw Error("--embedding-grey must be fixed or channel, not '" + flags.grey + "'");
  }
  if (flags.samples < 0 || flags.samples > 64) throw Error("--samples must be in 0..64");
  viewer::ViewerOptions options;
  options.settings = globals;
  options.checkpoint = flags.checkpoint;
  if (flags.checkpoint.empty()) {
    options.model = flags.model.model;
    options.sizes = flags.model.resolve();
  }
  options.init_seed = flags.init_seed;
  options.walk = {flags.seed, flags.keyframes, interpolation_by_name(flags.mode), !flags.no_loop,
                  flags.speed};
  options.space = flags.walk_in == "z" ? viewer::WalkSpace::z : viewer::WalkSpace::embedding;
  options.samples = flags.samples;
  options.embedding_normalise = flags.grey == "channel";
  options.exercise_window = flags.exercise_window;
  options.paused = flags.pause;
  options.zoom = flags.zoom;
  options.width = flags.width;
  options.height = flags.height;
  options.frames = flags.frames;
  options.screenshot = flags.screenshot;
  options.record_dir = flags.record;
  const uint64_t errors = viewer::run_viewer(options);
  if (errors > 0) throw Error(std::to_string(errors) + " Vulkan validation errors");
#else
  (void)flags;
  (void)globals;
  throw Error(
      "this aegan-vk was built without the viewer (install libglfw3-dev and libimgui-dev, then "
      "rebuild with -DAEGAN_VK_VIEWER=ON)");
#endif
}

}  // namespace

void register_view(CLI::App& app, const GlobalOptions& globals) {
  auto* command = app.add_subcommand(
      "view",
      "Live viewer: plays a latent walk of generated images in a window (GLFW + Dear ImGui on "
      "the engine's Vulkan device).");
  auto flags = std::make_shared<ViewFlags>();
  command->add_option("--checkpoint", flags->checkpoint,
                      "checkpoint or model file of any model (reloaded when it changes); without "
                      "one, fresh weights of --model and --preset");
  add_model_options(*command, flags->model);
  command->add_option("--init-seed", flags->init_seed, "seed of the fresh weights")
      ->capture_default_str();
  command->add_option("--seed", flags->seed, "seed of the walk's keyframes")->capture_default_str();
  command->add_option("--keyframes", flags->keyframes, "keyframes in the walk")
      ->capture_default_str();
  command
      ->add_option("--mode", flags->mode, "interpolation between keyframes: lerp, slerp or spline")
      ->capture_default_str();
  command->add_option("--speed", flags->speed, "keyframes per second")->capture_default_str();
  command
      ->add_option("--walk-in", flags->walk_in,
                   "z: interpolate latent vectors; embedding: interpolate their embeddings "
                   "(AEGAN's G_E(z); models with an embedding space only)")
      ->capture_default_str();
  command
      ->add_option("--samples", flags->samples,
                   "samples in the grid panel (the z of `sample --seed`; 0: none)")
      ->capture_default_str();
  command
      ->add_option("--embedding-grey", flags->grey,
                   "grey of the embedding's channels: fixed (-1 black, +1 white) or channel (each "
                   "channel's min .. max)")
      ->capture_default_str();
  command->add_flag("--no-loop", flags->no_loop, "stop at the last keyframe");
  command->add_flag("--pause", flags->pause, "start paused (on keyframe 0)");
  command->add_option("--zoom", flags->zoom, "integer zoom of the image (0: automatic)")
      ->capture_default_str();
  command->add_option("--width", flags->width, "window width")->capture_default_str();
  command->add_option("--height", flags->height, "window height")->capture_default_str();
  command
      ->add_option("--frames", flags->frames, "exit after this many frames (0: run until closed)")
      ->capture_default_str();
  command->add_option("--screenshot", flags->screenshot,
                      "write the window's last frame to this PNG (needs --frames)");
  command->add_option("--record", flags->record,
                      "folder for 'record frames' (default aegan-view-frames)");
  command
      ->add_flag("--exercise-window", flags->exercise_window,
                 "test: resize, iconify, hide and close the window during the first 25 frames")
      ->group("Testing");
  command->callback([flags, &globals] { run_view(*flags, globals); });
}

}  // namespace aegan::app
