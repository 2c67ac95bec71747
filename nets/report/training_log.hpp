#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace aegan::report {

struct LossSeries {
  std::string name;
  std::vector<double> steps;  // global_step of each point
  std::vector<double> values;
};

struct StageStart {
  double step = 0;  // global_step of the first line of the stage
  int stage = 0;
};

struct LossLog {
  std::vector<LossSeries> series;        // in the order the log first names them
  std::vector<StageStart> stage_starts;  // every change of "stage" after the first line
  int lines_used = 0;
  // Lines that are not JSON objects with a numeric global_step and a losses or quality object
  // (the figures of the sample grids); the last line
  // of a log still being written is often one of these, so they are skipped, not fatal.
  int malformed_lines = 0;
};

// Reads the losses out of a JSON-lines training log (one object per line with "global_step",
// "losses": {name: value} or "quality": {name: value}, optionally "stage"), each name a series.
// Values that are not finite numbers (NaN is
// written as null) are left out. Throws aegan::Error when the file cannot be read.
LossLog read_loss_log(const std::filesystem::path& log_jsonl);

}  // namespace aegan::report
