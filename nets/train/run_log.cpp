#include "nets/train/run_log.hpp"

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "engine/error.hpp"

namespace aegan::train {
namespace {

double seconds_since_epoch() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

RunLog::RunLog(std::filesystem::path path) : path_(std::move(path)) {
  std::ifstream in(path_);
  std::string line;
  while (std::getline(in, line))
    lines_ += line.empty() ? 0 : 1;
}

void RunLog::append(const TrainState& state, const LossValues& losses, double lr, int64_t batch,
                    double images_per_s, uint64_t device_bytes,
                    std::optional<Communication> communication) {
  nlohmann::json entry = {{"stage", state.stage},
                          {"step", state.stage_step},
                          {"global_step", state.global_step},
                          {"losses", nlohmann::json::object()},
                          {"lr", lr},
                          {"batch", batch},
                          {"images_per_s", images_per_s},
                          {"device_bytes", device_bytes},
                          {"time", seconds_since_epoch()}};
  for (const auto& [name, value] : losses)
    entry["losses"][name] = value;
  if (communication) {
    entry["communication_s"] = communication->seconds;
    entry["overlapped_buckets"] = communication->overlapped_buckets;
  }
  write(entry);
}

void RunLog::append_quality(const TrainState& state,
                            const std::vector<std::pair<std::string, double>>& figures) {
  nlohmann::json entry = {{"stage", state.stage},
                          {"step", state.stage_step},
                          {"global_step", state.global_step},
                          {"quality", nlohmann::json::object()},
                          {"time", seconds_since_epoch()}};
  for (const auto& [name, value] : figures)
    entry["quality"][name] = value;
  write(entry);
}

void RunLog::write(const nlohmann::json& entry) {
  std::ofstream out(path_, std::ios::app);
  out << entry.dump() << '\n';
  if (!out) throw Error("cannot append to " + path_.string());
  ++lines_;
}

void RunLog::truncate_after(int64_t global_step) {
  std::vector<std::string> kept;
  {
    std::ifstream in(path_);
    std::string line;
    while (std::getline(in, line)) {
      const auto entry = nlohmann::json::parse(line, nullptr, false);
      if (entry.is_object() && entry.value("global_step", int64_t{0}) <= global_step) {
        kept.push_back(line);
      }
    }
  }
  std::ofstream out(path_, std::ios::trunc);
  for (const std::string& line : kept)
    out << line << '\n';
  if (!out) throw Error("cannot rewrite " + path_.string());
  lines_ = static_cast<int64_t>(kept.size());
}

}  // namespace aegan::train
