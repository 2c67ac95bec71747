#include "viewer/panels.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

namespace aegan::viewer {
namespace {

constexpr float kControlsWidth = 330;
constexpr float kMargin = 8;

// Reserves the image's size in the current window and records where its pixels must land,
// clipped to what of the window is visible.
void place_image(const DisplayImage& image, std::vector<Placement>& images) {
  const ImVec2 size(static_cast<float>(std::max(image.width, 1)),
                    static_cast<float>(std::max(image.height, 1)));
  const ImVec2 at = ImGui::GetCursorScreenPos();
  ImGui::Dummy(size);
  const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
  const ImVec2 clip_min = ImGui::GetWindowDrawList()->GetClipRectMin();
  const ImVec2 clip_max = ImGui::GetWindowDrawList()->GetClipRectMax();
  Placement p;
  p.image = &image;
  p.x = static_cast<int>(at.x * scale.x);
  p.y = static_cast<int>(at.y * scale.y);
  p.clip_x0 = static_cast<int>(clip_min.x * scale.x);
  p.clip_y0 = static_cast<int>(clip_min.y * scale.y);
  p.clip_x1 = static_cast<int>(clip_max.x * scale.x);
  p.clip_y1 = static_cast<int>(clip_max.y * scale.y);
  images.push_back(p);
}

void walk_controls(PanelState& state) {
  ImGui::TextUnformatted("Latent walk");
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

void statistics(const PanelState& state) {
  ImGui::Text("%.1f fps, %.2f ms per frame", state.fps, state.frame_ms);
  ImGui::Text("stages (%s):", state.gpu_timing ? "GPU timestamps" : "host timing");
  for (size_t i = 0; i < state.stage_ms.size() && i < Inference::kStages.size(); ++i) {
    ImGui::Text("  %-8s %7.2f ms", Inference::kStages[i], state.stage_ms[i]);
  }
}

void loss_curves(const report::LossLog& log) {
  ImGui::SetNextWindowPos(ImVec2(kMargin, 470), ImGuiCond_FirstUseEver);
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

void draw_panels(PanelState& state, const Inference& inference, std::vector<Placement>& images) {
  ImGui::SetNextWindowPos(ImVec2(kMargin, kMargin), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(ImVec2(kControlsWidth, 450), ImGuiCond_FirstUseEver);
  ImGui::Begin("aegan-vk");
  ImGui::TextWrapped("%s", state.device.c_str());
  ImGui::TextWrapped("%s", state.model.c_str());
  ImGui::Separator();
  statistics(state);
  ImGui::Separator();
  walk_controls(state);
  ImGui::Separator();
  ImGui::SliderInt("zoom", &state.zoom, 1, 8);
  ImGui::Checkbox("x_hat beside phi(x_hat)", &state.show_x_hat);
  if (ImGui::Button("save PNG")) state.save_png = true;
  ImGui::SameLine();
  ImGui::Checkbox("record frames", &state.recording);
  if (!state.message.empty()) ImGui::TextWrapped("%s", state.message.c_str());
  ImGui::End();

  // Fixed, always-behind image windows: their pixels lie under the UI, so a window dragged over
  // them must stay on top.
  const ImGuiWindowFlags image_window = ImGuiWindowFlags_NoBackground |
                                        ImGuiWindowFlags_AlwaysAutoResize |
                                        ImGuiWindowFlags_NoBringToFrontOnFocus;
  const float image_x = kControlsWidth + 2 * kMargin;
  ImGui::SetNextWindowPos(ImVec2(image_x, kMargin), ImGuiCond_FirstUseEver);
  ImGui::Begin("phi(F(G_E(z)))", nullptr, image_window);
  place_image(inference.image_pixels(), images);
  ImGui::End();

  if (state.show_x_hat && inference.x_hat_pixels().pixels.defined()) {
    const float below = kMargin + static_cast<float>(inference.image_pixels().height) + 50;
    ImGui::SetNextWindowPos(ImVec2(image_x, below), ImGuiCond_FirstUseEver);
    ImGui::Begin("x_hat = F(G_E(z))  |  phi(x_hat)", nullptr, image_window);
    place_image(inference.x_hat_pixels(), images);
    ImGui::SameLine();
    place_image(inference.image_pixels(), images);
    ImGui::End();
  }
  if (state.losses && !state.losses->series.empty()) loss_curves(*state.losses);
}

}  // namespace aegan::viewer
