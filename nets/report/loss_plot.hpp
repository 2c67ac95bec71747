#pragma once
#include <filesystem>

#include "nets/report/canvas.hpp"
#include "nets/report/training_log.hpp"

namespace aegan::report {

struct LossPlotSummary {
  int panels = 0;
  int lines_used = 0;
  int malformed_lines = 0;
};

// One panel per loss (x: global_step, y: loss, log scale when it spans more than two decades), two
// panels per row, 1200 pixels wide and 300 per row, with dashed lines where a stage begins.
// Throws aegan::Error when the log has no loss values.
Canvas draw_loss_plot(const LossLog& log);

// Reads a JSON-lines training log (see read_loss_log) and writes its loss plot as a PNG.
LossPlotSummary plot_losses(const std::filesystem::path& log_jsonl,
                            const std::filesystem::path& png);

}  // namespace aegan::report
