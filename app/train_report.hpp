#pragma once
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "bench/train_bench.hpp"

namespace aegan::app {

// The schema bench/peer.py writes too: {"preset", "sizes": [{"network", "parameters",
// "buffers"}], "figures": [{"figure", "batch", "warmup", "repetitions", "ms", "min_ms",
// "images_per_second", "peak_bytes"}]}.
nlohmann::ordered_json sizes_json(const std::vector<bench::NetworkSize>& sizes);
nlohmann::ordered_json timings_json(const bench::PresetTimings& timings);

void print_sizes(std::ostream& out, const std::string& preset,
                 const std::vector<bench::NetworkSize>& sizes);
void print_timings(std::ostream& out, const bench::PresetTimings& timings);

// Throws aegan::Error naming the first network whose parameter or buffer count differs from the
// peer's "sizes" (a JSON array of the schema above).
void check_same_model(const std::string& preset, const std::vector<bench::NetworkSize>& ours,
                      const nlohmann::ordered_json& peer_sizes);

// One figure of both implementations. ratio = aegan-vk time / PyTorch time, of the mean
// iterations and of the fastest ones (on a shared machine the fastest shows the code's speed
// when it had the cores to itself).
struct Comparison {
  std::string preset, figure;
  int batch = 0;
  double ours_ms = 0, peer_ms = 0;
  double ours_min_ms = 0, peer_min_ms = 0;
  uint64_t ours_peak_bytes = 0;
  nlohmann::ordered_json peer_peak_bytes;  // null where PyTorch keeps no count (CPU)
  double ours_images_per_second() const { return batch * 1e3 / ours_ms; }
  double peer_images_per_second() const { return batch * 1e3 / peer_ms; }
  double ratio() const { return ours_ms / peer_ms; }
  double best_ratio() const { return ours_min_ms / peer_min_ms; }
};

extern const char* const kRatioConvention;

// Pairs every figure of `ours` with the peer's (one entry of its "presets"); a figure the peer
// lacks is an Error.
std::vector<Comparison> compare(const bench::PresetTimings& ours,
                                const nlohmann::ordered_json& peer);
void print_comparison(std::ostream& out, const std::vector<Comparison>& rows);
nlohmann::ordered_json comparison_json(const std::vector<Comparison>& rows);

}  // namespace aegan::app
