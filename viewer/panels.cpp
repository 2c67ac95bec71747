#include "viewer/panels.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>

namespace aegan::viewer {
namespace {

constexpr float kControlsWidth = 330;
constexpr float kMargin = 8;
constexpr float kTitle = 50;  // a window's title bar and padding around an image

// Reserves the image's size in the current window and records where its pixels must land,
// clipped to what of the window is visible.
void place_image(const DisplayImage& image, std::string name, const std::string& window,
                 std::vector<Placement>& images) {
  const ImVec2 size(static_cast<float>(std::max(image.width, 1)),
                    static_cast<float>(std::max(image.height, 1)));
  const ImVec2 at = ImGui::GetCursorScreenPos();
  ImGui::Dummy(size);
  const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
  const ImVec2 clip_min = ImGui::GetWindowDrawList()->GetClipRectMin();
  const ImVec2 clip_max = ImGui::GetWindowDrawList()->GetClipRectMax();
  Placement p;
  p.image = &image;
  p.name = std::move(name);
  p.window = window;
  p.x = static_cast<int>(at.x * scale.x);
  p.y = static_cast<int>(at.y * scale.y);
  p.clip_x0 = static_cast<int>(clip_min.x * scale.x);
  p.clip_y0 = static_cast<int>(clip_min.y * scale.y);
  p.clip_x1 = static_cast<int>(clip_max.x * scale.x);
  p.clip_y1 = static_cast<int>(clip_max.y * scale.y);
  images.push_back(p);
}

void walk_controls(PanelState& state, const Inference& inference) {
  ImGui::TextUnformatted("Latent walk");
  if (inference.has_embedding_space()) {
    // Combo items end with a zero each; c_str() adds the zero that ends the list.
    const std::string spaces =
        std::string("z") + '\0' + "embedding " + inference.stages()[0] + "(z)" + '\0';
    int space = static_cast<int>(state.space);
    ImGui::Combo("walk in", &space, spaces.c_str());
    state.space = static_cast<WalkSpace>(space);
  }
  ImGui::InputScalar("seed", ImGuiDataType_U64, &state.walk.seed);
  ImGui::SliderInt("keyframes", &state.walk.keyframes, 2, 32);
  int mode = static_cast<int>(state.walk.mode);
  ImGui::Combo("mode", &mode, "lerp\0slerp\0spline\0");
  state.walk.mode = static_cast<Interpolation>(mode);
  ImGui::Checkbox("loop", &state.walk.loop);
  float speed = static_cast<float>(state.walk.speed);
  ImGui::SliderFloat("keyframes/s", &speed, 0.0f, 4.0f, "%.2f");
  state.walk.speed = speed;
  ImGui::Checkbox("pause", &state.paused);
  ImGui::SameLine();
  if (ImGui::Button("<")) state.step = -1;
  ImGui::SameLine();
  if (ImGui::Button(">")) state.step = 1;
  ImGui::SameLine();
  if (ImGui::Button("reset")) state.reset = true;
}

void statistics(const PanelState& state, const Inference& inference) {
  ImGui::Text("%.1f fps, %.2f ms per frame", state.fps, state.frame_ms);
  ImGui::Text("stages (%s):", state.gpu_timing ? "GPU timestamps" : "host timing");
  const std::vector<std::string>& stages = inference.stages();
  if (state.stage_ms.size() < stages.size()) return;
  // The last stage is the conversion, shown with the copies as "display".
  const size_t convert = stages.size() - 1;
  for (size_t i = 0; i < convert; ++i) {
    const bool blend = i == 0 && state.space == WalkSpace::embedding;
    ImGui::Text("  %-8s %7.2f ms", blend ? "blend" : stages[i].c_str(), state.stage_ms[i]);
  }
  if (state.copy_ms >= 0) {
    ImGui::Text("  %-8s %7.2f ms", "display", state.stage_ms[convert] + state.copy_ms);
    ImGui::Text("    = convert %.2f + copy %.2f", state.stage_ms[convert], state.copy_ms);
  } else {
    ImGui::Text("  %-8s %7.2f ms (conversion; copy untimed)", "display", state.stage_ms[convert]);
  }
}

void panel_controls(PanelState& state, const Inference& inference) {
  ImGui::SliderInt("zoom", &state.zoom, 1, 8);
  const std::vector<NamedImages>& made = inference.images();
  if (made.size() > 1) {
    std::string beside;
    for (size_t i = 0; i + 1 < made.size(); ++i)
      beside += (i == 0 ? "" : ", ") + made[i].label;
    beside += " beside " + made.back().label + "###beside";
    ImGui::Checkbox(beside.c_str(), &state.show_beside);
  }
  if (inference.has_embedding_space()) {
    ImGui::Checkbox("embedding", &state.show_embedding);
    ImGui::SameLine();
    int grey = state.embedding_normalise ? 1 : 0;
    ImGui::SetNextItemWidth(150);
    ImGui::Combo("grey", &grey, "-1..1 (tanh)\0channel min..max\0");
    state.embedding_normalise = grey == 1;
  }
  ImGui::SliderInt("samples", &state.samples, 0, 16);
  if (ImGui::Button("save PNG")) state.save_png = true;
  ImGui::SameLine();
  ImGui::Checkbox("record frames", &state.recording);
}

void loss_curves(const report::LossLog& log) {
  ImGui::SetNextWindowPos(ImVec2(kMargin, 556), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(ImVec2(kControlsWidth, 220), ImGuiCond_FirstUseEver);
  ImGui::Begin("Losses");
  for (const report::LossSeries& series : log.series) {
    std::vector<float> values(series.values.begin(), series.values.end());
    if (values.empty()) continue;
    char label[96];
    std::snprintf(label, sizeof label, "%s\n%.4g", series.name.c_str(), series.values.back());
    ImGui::PlotLines(label, values.data(), static_cast<int>(values.size()), 0, nullptr, FLT_MAX,
                     FLT_MAX, ImVec2(0, 50));
  }
  ImGui::End();
}

}  // namespace

void draw_panels(PanelState& state, const Inference& inference, const SampleGrid& grid,
                 std::vector<Placement>& images) {
  ImGui::SetNextWindowPos(ImVec2(kMargin, kMargin), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(ImVec2(kControlsWidth, 540), ImGuiCond_FirstUseEver);
  ImGui::Begin("aegan-vk");
  ImGui::TextWrapped("%s", state.device.c_str());
  ImGui::TextWrapped("%s", state.model.c_str());
  ImGui::Separator();
  statistics(state, inference);
  ImGui::Separator();
  walk_controls(state, inference);
  ImGui::Separator();
  panel_controls(state, inference);
  if (!state.message.empty()) ImGui::TextWrapped("%s", state.message.c_str());
  ImGui::End();

  // Fixed, always-behind image windows: their pixels lie under the UI, so a window dragged over
  // them must stay on top. First placed in two rows: the image, the embedding and the sample
  // grid; below them the intermediate images beside the final one.
  const ImGuiWindowFlags image_window = ImGuiWindowFlags_NoBackground |
                                        ImGuiWindowFlags_AlwaysAutoResize |
                                        ImGuiWindowFlags_NoBringToFrontOnFocus;
  const DisplayImage& image = inference.image_pixels();
  const DisplayImage& embedding = inference.embedding_pixels();
  float x = kControlsWidth + 2 * kMargin;
  ImGui::SetNextWindowPos(ImVec2(x, kMargin), ImGuiCond_FirstUseEver);
  // "###": the same window whatever the title says.
  const std::vector<NamedImages>& made = inference.images();
  const std::string image_title = inference.formula(made.size() - 1);
  ImGui::Begin((image_title + "###image").c_str(), nullptr, image_window);
  place_image(image, "image", image_title, images);
  ImGui::End();
  x += static_cast<float>(image.width) + kTitle / 2;

  if (state.show_embedding && embedding.pixels.defined()) {
    const Shape& shape = inference.embedding().shape();
    char title[96];
    const std::string& encoder = inference.stages()[0];
    const std::string source =
        state.space == WalkSpace::z ? encoder + "(z)" : "between " + encoder + "(z_k)";
    std::snprintf(title, sizeof title, "%s: %lld channels of %lldx%lld", source.c_str(),
                  static_cast<long long>(shape[1]), static_cast<long long>(shape[2]),
                  static_cast<long long>(shape[3]));
    const char* grey = state.embedding_normalise ? "grey: each channel's min .. max"
                                                 : "grey: -1 black .. +1 white";
    ImGui::SetNextWindowPos(ImVec2(x, kMargin), ImGuiCond_FirstUseEver);
    ImGui::Begin("embedding", nullptr, image_window);
    ImGui::TextUnformatted(title);
    ImGui::TextUnformatted(grey);
    place_image(embedding, "embedding", "embedding", images);
    ImGui::End();
    const float text = std::max(ImGui::CalcTextSize(title).x, ImGui::CalcTextSize(grey).x);
    x += std::max(static_cast<float>(embedding.width), text) + kTitle / 2;
  }

  if (state.samples > 0 && grid.pixels().pixels.defined()) {
    ImGui::SetNextWindowPos(ImVec2(x, kMargin), ImGuiCond_FirstUseEver);
    ImGui::Begin("samples", nullptr, image_window);
    ImGui::Text("%d samples of seed %llu", grid.count(),
                static_cast<unsigned long long>(state.walk.seed));
    place_image(grid.pixels(), "samples", "samples", images);
    ImGui::End();
  }

  const std::vector<DisplayImage>& intermediates = inference.intermediate_pixels();
  if (state.show_beside && made.size() > 1 && intermediates.size() + 1 == made.size()) {
    const float below = kMargin + static_cast<float>(image.height) + kTitle;
    ImGui::SetNextWindowPos(ImVec2(kControlsWidth + 2 * kMargin, below), ImGuiCond_FirstUseEver);
    // "x_hat = F(G_E(z))" where the formula says more than the label.
    std::string title;
    for (size_t i = 0; i < intermediates.size(); ++i) {
      const std::string formula = inference.formula(i);
      title += made[i].label + (formula == made[i].label ? "" : " = " + formula) + "  |  ";
    }
    title += made.back().label;
    ImGui::Begin((title + "###beside").c_str(), nullptr, image_window);
    for (size_t i = 0; i < intermediates.size(); ++i) {
      place_image(intermediates[i], i == 0 ? "beside" : "beside " + std::to_string(i + 1), title,
                  images);
      ImGui::SameLine();
    }
    place_image(image, "image beside", title, images);
    ImGui::End();
  }
  if (state.losses && !state.losses->series.empty()) loss_curves(*state.losses);
}

}  // namespace aegan::viewer
