#include "nets/report/loss_plot.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>

#include "engine/error.hpp"
#include "nets/report/axis.hpp"
#include "nets/report/png.hpp"
#include "nets/report/text.hpp"

namespace aegan::report {

namespace {

constexpr int kWidth = 1200;
constexpr int kColumns = 2;
constexpr int kPanelWidth = kWidth / kColumns;
constexpr int kPanelHeight = 300;
// Room around the plot area for the title above, value labels left and step labels below.
constexpr int kLeft = 64, kRight = 16, kTop = 30, kBottom = 30;

constexpr Rgb kPaper{255, 255, 255};
constexpr Rgb kFrame{150, 150, 150};
constexpr Rgb kGrid{232, 232, 232};
constexpr Rgb kInk{40, 40, 40};
constexpr Rgb kStage{120, 120, 200};
// Colour-blind-friendly hues (Okabe-Ito) so that panels are told apart at a glance.
constexpr std::array<Rgb, 7> kPalette{{{0, 114, 178},
                                       {213, 94, 0},
                                       {0, 158, 115},
                                       {204, 121, 167},
                                       {230, 159, 0},
                                       {86, 180, 233},
                                       {120, 120, 120}}};

std::string format_value(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

void draw_dashed_vertical(Canvas& canvas, int x, int top, int bottom, Rgb color) {
  for (int y = top; y < bottom; y += 8)
    canvas.fill_rect({x, y, 1, std::min(4, bottom - y)}, color);
}

void draw_panel(Canvas& canvas, const LossSeries& series, const std::vector<StageStart>& stages,
                Rect panel, Rgb color) {
  const Rect plot{panel.x + kLeft, panel.y + kTop, panel.width - kLeft - kRight,
                  panel.height - kTop - kBottom};
  const auto [first, last] = std::minmax_element(series.steps.begin(), series.steps.end());
  const Axis x_axis = linear_axis(*first, *last, 6, 0.0);
  const Axis y_axis = value_axis(series.values, 5);
  const auto px = [&](double step) {
    return float(plot.x + x_axis.fraction(step) * (plot.width - 1)) + 0.5f;
  };
  const auto py = [&](double value) {
    return float(plot.y + (1.0 - y_axis.fraction(value)) * (plot.height - 1)) + 0.5f;
  };

  const int label_height = text_height();
  for (double tick : y_axis.ticks) {
    const int y = int(py(tick));
    canvas.fill_rect({plot.x, y, plot.width, 1}, kGrid);
    const std::string label = tick_label(tick, y_axis.hi - y_axis.lo);
    draw_text(canvas, plot.x - 6 - text_width(label), y - label_height / 2, label, kInk);
  }
  for (double tick : x_axis.ticks) {
    const int x = int(px(tick));
    canvas.fill_rect({x, plot.y, 1, plot.height}, kGrid);
    const std::string label = tick_label(tick, x_axis.hi - x_axis.lo);
    draw_text(canvas, x - text_width(label) / 2, plot.y + plot.height + 6, label, kInk);
  }
  for (const StageStart& stage : stages) {
    if (stage.step < x_axis.lo || stage.step > x_axis.hi) continue;
    const int x = int(px(stage.step));
    draw_dashed_vertical(canvas, x, plot.y, plot.y + plot.height, kStage);
    draw_text(canvas, x + 3, plot.y + 3, "stage " + std::to_string(stage.stage), kStage);
  }
  // The frame goes on top of the grid and under the curve.
  canvas.fill_rect({plot.x - 1, plot.y - 1, plot.width + 2, 1}, kFrame);
  canvas.fill_rect({plot.x - 1, plot.y + plot.height, plot.width + 2, 1}, kFrame);
  canvas.fill_rect({plot.x - 1, plot.y, 1, plot.height}, kFrame);
  canvas.fill_rect({plot.x + plot.width, plot.y, 1, plot.height}, kFrame);

  if (series.steps.size() == 1) {
    // A single point has no segment to draw; a dot keeps it visible.
    const float x = px(series.steps[0]), y = py(series.values[0]);
    canvas.draw_line(x, y, x, y, color, 5.0f, plot);
  }
  for (size_t i = 1; i < series.steps.size(); ++i) {
    canvas.draw_line(px(series.steps[i - 1]), py(series.values[i - 1]), px(series.steps[i]),
                     py(series.values[i]), color, 1.6f, plot);
  }

  std::string title = series.name + "   last " + format_value(series.values.back());
  if (y_axis.logarithmic) title += "   (log scale)";
  draw_text(canvas, plot.x, panel.y + 8, title, kInk, 2);
}

}  // namespace

Canvas draw_loss_plot(const LossLog& log) {
  std::vector<const LossSeries*> shown;
  for (const LossSeries& series : log.series) {
    if (!series.values.empty()) shown.push_back(&series);
  }
  if (shown.empty()) throw Error("training log has no loss values to plot");
  const int rows = (int(shown.size()) + kColumns - 1) / kColumns;
  Canvas canvas(kWidth, rows * kPanelHeight, kPaper);
  for (size_t i = 0; i < shown.size(); ++i) {
    const Rect panel{int(i % kColumns) * kPanelWidth, int(i / kColumns) * kPanelHeight, kPanelWidth,
                     kPanelHeight};
    draw_panel(canvas, *shown[i], log.stage_starts, panel, kPalette[i % kPalette.size()]);
  }
  return canvas;
}

LossPlotSummary plot_losses(const std::filesystem::path& log_jsonl,
                            const std::filesystem::path& png) {
  const LossLog log = read_loss_log(log_jsonl);
  if (log.series.empty()) throw Error("training log " + log_jsonl.string() + " has no loss values");
  write_png(png, draw_loss_plot(log));
  return {int(log.series.size()), log.lines_used, log.malformed_lines};
}

}  // namespace aegan::report
