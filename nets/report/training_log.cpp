#include "nets/report/training_log.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>

#include <nlohmann/json.hpp>

#include "engine/error.hpp"

namespace aegan::report {

namespace {

LossSeries& series_named(LossLog& log, const std::string& name) {
  auto it = std::find_if(log.series.begin(), log.series.end(),
                         [&](const LossSeries& s) { return s.name == name; });
  if (it != log.series.end()) return *it;
  log.series.push_back({name, {}, {}});
  return log.series.back();
}

}  // namespace

LossLog read_loss_log(const std::filesystem::path& log_jsonl) {
  std::ifstream in(log_jsonl);
  if (!in) throw Error("cannot open training log " + log_jsonl.string());
  LossLog log;
  std::optional<int> stage;
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    // ordered_json keeps the writer's order of the losses, which becomes the order of the panels.
    const auto entry = nlohmann::ordered_json::parse(line, nullptr, /*allow_exceptions=*/false);
    const auto has_object = [&entry](const char* key) {
      return entry.contains(key) && entry[key].is_object();
    };
    if (!entry.is_object() || !entry.contains("global_step") || !entry["global_step"].is_number() ||
        !(has_object("losses") || has_object("quality"))) {
      ++log.malformed_lines;
      continue;
    }
    const double step = entry["global_step"].get<double>();
    if (entry.contains("stage") && entry["stage"].is_number_integer()) {
      const int now = entry["stage"].get<int>();
      if (stage && *stage != now) log.stage_starts.push_back({step, now});
      stage = now;
    }
    for (const char* key : {"losses", "quality"}) {
      if (!has_object(key)) continue;
      for (const auto& [name, value] : entry[key].items()) {
        if (!value.is_number() || !std::isfinite(value.get<double>())) continue;
        LossSeries& series = series_named(log, name);
        series.steps.push_back(step);
        series.values.push_back(value.get<double>());
      }
    }
    ++log.lines_used;
  }
  if (in.bad()) throw Error("cannot read training log " + log_jsonl.string());
  return log;
}

}  // namespace aegan::report
