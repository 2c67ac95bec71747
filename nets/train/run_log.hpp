#pragma once
#include <cstdint>
#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nets/models/aegan/steps.hpp"
#include "nets/train/checkpoint.hpp"

namespace aegan::train {

// RUN/log.jsonl: one JSON object per line with the stage, steps, every loss, the learning rate,
// the batch size, images per second, device bytes in use and the wall-clock time; in runs of
// several ranks also the global batch's images per second and the seconds spent communicating.
class RunLog {
 public:
  explicit RunLog(std::filesystem::path path);

  // What the ranks' communication cost an interval of steps: its seconds, and the gradient
  // buckets sent while backward passes ran (0 where they all went after them).
  struct Communication {
    double seconds = 0.0;
    uint64_t overlapped_buckets = 0;
  };
  void append(const TrainState& state, const LossValues& losses, double lr, int64_t batch,
              double images_per_s, uint64_t device_bytes,
              std::optional<Communication> communication = std::nullopt);
  // One line of quality figures ({"quality": {name: value}}) at the current step.
  void append_quality(const TrainState& state,
                      const std::vector<std::pair<std::string, double>>& figures);
  // Drops lines beyond `global_step`: a resumed run repeats those steps and logs them again.
  void truncate_after(int64_t global_step);

  const std::filesystem::path& path() const { return path_; }
  int64_t lines() const { return lines_; }

 private:
  void write(const nlohmann::json& entry);

  std::filesystem::path path_;
  int64_t lines_ = 0;
};

}  // namespace aegan::train
