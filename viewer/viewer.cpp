#include "viewer/viewer.hpp"

#include <GLFW/glfw3.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include "engine/error.hpp"
#include "engine/runtime.hpp"
#include "nets/report/image_grid.hpp"
#include "viewer/core/embedding_walk.hpp"
#include "viewer/core/sample_grid.hpp"
#include "viewer/gui.hpp"
#include "viewer/panels.hpp"
#include "viewer/window_exercise.hpp"

namespace aegan::viewer {
namespace {

using Clock = std::chrono::steady_clock;

std::string describe(const ViewerModel& model) {
  const Model& m = *model.model;
  std::string text = m.name() + ", preset " + m.sizes().preset + " (" +
                     std::to_string(m.image_size()) + "px, nz " + std::to_string(m.latent_size()) +
                     ", " + prior_name(m.prior()) + " prior)\n";
  if (model.checkpoint.empty()) return text + "fresh weights (no checkpoint)";
  text += model.checkpoint.filename().string();
  if (model.step >= 0) text += ", step " + std::to_string(model.step);
  return text;
}

// The training log that `aegan-vk train` writes next to its checkpoints.
std::filesystem::path loss_log_of(const std::filesystem::path& checkpoint) {
  if (checkpoint.empty()) return {};
  for (const auto& dir : {checkpoint.parent_path(), checkpoint.parent_path().parent_path()}) {
    const auto log = dir / "log.jsonl";
    if (std::filesystem::exists(log)) return log;
  }
  return {};
}

void save_image(const Inference& inference, const std::filesystem::path& path) {
  const Tensor& image = inference.image();
  report::write_image_grid(path, image.to_host(), 1, static_cast<int>(image.dim(1)),
                           static_cast<int>(image.dim(3)), 1, 0);
}

ViewerModel open_model(const ViewerOptions& options) {
  ViewerModel model = options.checkpoint.empty()
                          ? fresh_viewer_model(options.model, options.sizes, options.init_seed)
                          : load_viewer_model(options.checkpoint);
  if (options.space == WalkSpace::embedding) embedding_space(*model.model);
  return model;
}

// A reloaded checkpoint must fit what the session was built for: the kind of model (its stages
// and panels) and the walk's latents.
void check_same_kind(const Model& loaded, const Model& shown) {
  if (loaded.name() != shown.name()) {
    throw Error("the new checkpoint holds a " + loaded.name() + " model, not " + shown.name());
  }
  if (loaded.latent_size() != shown.latent_size() || loaded.prior() != shown.prior()) {
    throw Error("the new checkpoint has a different latent size or prior");
  }
}

// One viewer session; separate from run_viewer so that every Vulkan object is destroyed before
// the runtime and GLFW shut down, also when an error is thrown.
class Session {
 public:
  explicit Session(const ViewerOptions& options)
      : options_(options),
        model_(open_model(options)),
        window_(options.width, options.height, "aegan-vk view",
                Runtime::get().context().instance()),
        presenter_(window_),
        gui_(window_, presenter_),
        inference_(*model_.model, Presenter::kFramesInFlight),
        player_(model_.model->latent_size(), model_.model->prior(), options.walk),
        log_path_(loss_log_of(options.checkpoint)) {
    state_.device = Runtime::get().device().name;
    const vk::Context& context = Runtime::get().context();
    if (context.separate_present()) {
      const std::string path = "presenting from queue family " +
                               std::to_string(context.present_family()) +
                               " after a second submission (engine's family " +
                               std::to_string(context.queue_family()) + ")";
      std::cout << path << std::endl;
      state_.device += "\n" + path;
    }
    state_.model = describe(model_);
    state_.walk = options.walk;
    state_.space = options.space;
    state_.samples = options.samples;
    state_.embedding_normalise = options.embedding_normalise;
    state_.paused = options.paused;
    state_.zoom = options.zoom > 0 ? options.zoom : std::max(1, 256 / model_.model->image_size());
    state_.gpu_timing = inference_.clock().gpu();
    player_.set_paused(options.paused);
    if (options.exercise_window) exercise_ = std::make_unique<WindowExercise>(window_, std::cout);
    reload_losses();
  }

  // Closing while frames are in flight (or after an error): they must finish before the tensors
  // and queries they use go.
  ~Session() { vkDeviceWaitIdle(Runtime::get().context().device()); }

  void run() {
    auto last = Clock::now();
    auto last_poll = last;
    double fps_frames = 0;
    auto fps_start = last;
    uint64_t frame = 0;
    for (; !window_.should_close(); ++frame) {
      if (options_.frames > 0 && frame >= static_cast<uint64_t>(options_.frames)) break;
      glfwPollEvents();
      if (exercise_) exercise_->step(frame);
      auto [width, height] = window_.framebuffer_size();
      if (width == 0 || height == 0) {
        glfwWaitEventsTimeout(0.1);  // minimised: nothing to draw, do not spin
        last = Clock::now();
        continue;
      }
      const auto now = Clock::now();
      const double seconds = std::chrono::duration<double>(now - last).count();
      last = now;
      if (now - last_poll > std::chrono::seconds(1)) {
        last_poll = now;
        poll_files();
      }
      apply_controls(seconds);
      const uint32_t slot = static_cast<uint32_t>(frame % Presenter::kFramesInFlight);
      presenter_.wait(slot);
      read_clock(slot);
      // Before the frame's own stages, so that their times do not include it.
      grid_.update(*model_.model, model_version_, state_.samples, state_.walk.seed,
                   presenter_.pixel_order());
      const DisplaySettings display{state_.zoom, presenter_.pixel_order(), state_.show_beside,
                                    state_.show_embedding, state_.embedding_normalise};
      if (state_.space == WalkSpace::embedding) {
        embedding_walk_.update(*model_.model, model_version_, player_.settings());
        inference_.run(*model_.model, embedding_walk_, player_.position(), display, slot);
      } else {
        inference_.run(*model_.model, player_.z(), display, slot);
      }

      gui_.new_frame();
      std::vector<Placement> images;
      draw_panels(state_, inference_, grid_, images);
      gui_.end_frame();
      const bool last_frame =
          options_.frames > 0 && frame + 1 == static_cast<uint64_t>(options_.frames);
      const bool shot = last_frame && !options_.screenshot.empty();
      presenter_.present(
          slot, images, [&](VkCommandBuffer commands) { gui_.draw(commands); },
          shot ? &options_.screenshot : nullptr, &inference_.clock());
      if (shot) report_placement(images);
      capture(frame);

      ++fps_frames;
      const double window_s = std::chrono::duration<double>(Clock::now() - fps_start).count();
      if (window_s >= 0.5) {
        state_.fps = fps_frames / window_s;
        state_.frame_ms = 1000.0 * window_s / fps_frames;
        fps_frames = 0;
        fps_start = Clock::now();
      }
    }
    if (exercise_) report_swapchain(frame);
  }

 private:
  void read_clock(uint32_t slot) {
    inference_.clock().read(slot, state_.stage_ms);
    double copy_ms = 0;
    if (inference_.clock().read_outside(slot, copy_ms)) state_.copy_ms = copy_ms;
  }

  void report_swapchain(uint64_t frames) const {
    const Presenter::Counters& c = presenter_.counters();
    std::cout << "window test: " << (window_.should_close() ? "closed" : "stopped") << " after "
              << frames << " frames; swapchain rebuilt for " << c.resized << " size changes, "
              << c.out_of_date << " out of date, " << c.suboptimal << " suboptimal; " << c.skipped
              << " frames skipped at presentation" << std::endl;
  }

  void apply_controls(double seconds) {
    const WalkSettings& now = player_.settings();
    const WalkSettings& want = state_.walk;
    if (want.seed != now.seed || want.keyframes != now.keyframes || want.mode != now.mode ||
        want.loop != now.loop || want.speed != now.speed) {
      player_.configure(want);
    }
    player_.set_paused(state_.paused);
    if (state_.reset) player_.reset();
    if (state_.step != 0) player_.step(state_.step);
    state_.reset = false;
    state_.step = 0;
    player_.advance(seconds);
  }

  // Reloads the checkpoint when training in another process has replaced it, and the loss log.
  void poll_files() {
    reload_losses();
    if (model_.checkpoint.empty()) return;
    std::error_code error;
    const auto modified = std::filesystem::last_write_time(model_.checkpoint, error);
    if (error || modified == model_.modified) return;
    try {
      Runtime::get().stream().finish();
      ViewerModel loaded = load_viewer_model(model_.checkpoint);
      check_same_kind(*loaded.model, *model_.model);
      model_ = std::move(loaded);
      ++model_version_;  // the sample grid and the embedding walk's keyframes are recomputed
      state_.model = describe(model_);
      state_.message = "reloaded " + model_.checkpoint.filename().string();
    } catch (const Error& e) {
      model_.modified = modified;  // do not retry a broken file every second
      state_.message = std::string("reload failed: ") + e.what();
    }
  }

  void reload_losses() {
    if (log_path_.empty()) return;
    try {
      losses_ = report::read_loss_log(log_path_);
      state_.losses = &losses_;
    } catch (const Error& e) {
      state_.losses = nullptr;
    }
  }

  void capture(uint64_t frame) {
    if (state_.save_png) {
      state_.save_png = false;
      const auto path = std::filesystem::path("aegan-view-" + std::to_string(frame) + ".png");
      save_image(inference_, path);
      state_.message = "saved " + path.string();
    }
    if (state_.recording) {
      const auto dir = options_.record_dir.empty() ? std::filesystem::path("aegan-view-frames")
                                                   : options_.record_dir;
      std::filesystem::create_directories(dir);
      char name[32];
      std::snprintf(name, sizeof name, "frame_%05d.png", recorded_++);
      save_image(inference_, dir / name);
    }
  }

  // Tells a test where each panel's image is in the screenshot.
  void report_placement(const std::vector<Placement>& images) const {
    for (const Placement& p : images) {
      std::cout << "screenshot " << options_.screenshot.string() << ": " << p.name << " at " << p.x
                << "," << p.y << " size " << p.image->width << "x" << p.image->height << " in '"
                << p.window << "'";
      if (p.image == &inference_.image_pixels()) std::cout << " zoom " << state_.zoom;
      std::cout << std::endl;
    }
  }

  const ViewerOptions& options_;
  ViewerModel model_;
  Window window_;
  Presenter presenter_;
  Gui gui_;
  Inference inference_;
  WalkPlayer player_;
  EmbeddingWalk embedding_walk_;
  SampleGrid grid_;
  uint64_t model_version_ = 1;
  std::unique_ptr<WindowExercise> exercise_;
  PanelState state_;
  std::filesystem::path log_path_;
  report::LossLog losses_;
  int recorded_ = 0;
};

}  // namespace

uint64_t run_viewer(const ViewerOptions& options) {
  RuntimeOptions runtime;
  runtime.settings = options.settings;
  runtime.presentation = Window::window_presentation(options.settings.separate_present);
  struct Terminate {
    ~Terminate() {
      Runtime::shutdown();
      glfwTerminate();
    }
  } terminate;
  Runtime::init(runtime);
  {
    Session session(options);
    session.run();
    Runtime::get().stream().finish();
  }
  const uint64_t errors = Runtime::get().context().validation_error_count();
  if (Runtime::get().context().validation_enabled()) {
    std::cout << "validation errors: " << errors << std::endl;
  }
  return errors;
}

}  // namespace aegan::viewer
