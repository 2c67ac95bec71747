#include "app/train_report.hpp"

#include "app/format.hpp"
#include "engine/error.hpp"

namespace aegan::app {
namespace {

std::string mib(uint64_t bytes) {
  return format_number(static_cast<double>(bytes) / (1024.0 * 1024.0), 1);
}

}  // namespace

const char* const kRatioConvention =
    "ratio = aegan-vk time / PyTorch time per iteration: below 1.0 aegan-vk is faster, above 1.0 "
    "PyTorch is";

nlohmann::ordered_json sizes_json(const std::vector<bench::NetworkSize>& sizes) {
  nlohmann::ordered_json json = nlohmann::ordered_json::array();
  for (const auto& size : sizes) {
    json.push_back(
        {{"network", size.network}, {"parameters", size.parameters}, {"buffers", size.buffers}});
  }
  return json;
}

nlohmann::ordered_json timings_json(const bench::PresetTimings& timings) {
  nlohmann::ordered_json json{{"preset", timings.preset.preset},
                              {"sizes", sizes_json(timings.sizes)},
                              {"figures", nlohmann::ordered_json::array()}};
  for (const auto& f : timings.figures) {
    json["figures"].push_back({{"figure", f.figure},
                               {"batch", f.batch},
                               {"warmup", f.warmup},
                               {"repetitions", f.repetitions},
                               {"ms", f.seconds * 1e3},
                               {"min_ms", f.min_seconds * 1e3},
                               {"images_per_second", f.images_per_second()},
                               {"peak_bytes", f.peak_bytes},
                               {"host_waits_per_iteration", f.host_waits},
                               {"slot_waits_per_iteration", f.slot_waits}});
  }
  return json;
}

void print_sizes(std::ostream& out, const std::string& preset,
                 const std::vector<bench::NetworkSize>& sizes) {
  int64_t total = 0;
  std::string line;
  for (const auto& size : sizes) {
    line += (line.empty() ? "" : ", ") + size.network + " " + std::to_string(size.parameters);
    total += size.parameters;
  }
  out << preset << " parameters: " << line << " (total " << total << ")\n";
}

void print_timings(std::ostream& out, const bench::PresetTimings& timings) {
  out << "\n";
  print_sizes(out, timings.preset.preset, timings.sizes);
  std::vector<std::vector<std::string>> rows{{"figure", "batch", "warmup", "reps", "ms/iter",
                                              "min ms", "images/s", "peak MiB", "host waits"}};
  for (const auto& f : timings.figures) {
    rows.push_back({f.figure, std::to_string(f.batch), std::to_string(f.warmup),
                    std::to_string(f.repetitions), format_number(f.seconds * 1e3, 1),
                    format_number(f.min_seconds * 1e3, 1), format_number(f.images_per_second(), 3),
                    mib(f.peak_bytes), format_number(f.host_waits, 1)});
  }
  print_table(out, rows, 1);
}

void check_same_model(const std::string& preset, const std::vector<bench::NetworkSize>& ours,
                      const nlohmann::ordered_json& peer_sizes) {
  if (peer_sizes.size() != ours.size()) {
    throw Error(preset + ": the PyTorch peer has " + std::to_string(peer_sizes.size()) +
                " networks, aegan-vk " + std::to_string(ours.size()));
  }
  for (size_t i = 0; i < ours.size(); ++i) {
    const auto& theirs = peer_sizes[i];
    const auto count = [&](const char* key) { return theirs.at(key).get<int64_t>(); };
    if (theirs.at("network") != ours[i].network || count("parameters") != ours[i].parameters ||
        count("buffers") != ours[i].buffers) {
      throw Error(preset + ": the PyTorch peer builds a different model: its " +
                  theirs.at("network").get<std::string>() + " has " +
                  std::to_string(count("parameters")) + " parameters and " +
                  std::to_string(count("buffers")) + " buffer elements, aegan-vk's " +
                  ours[i].network + " " + std::to_string(ours[i].parameters) + " and " +
                  std::to_string(ours[i].buffers));
    }
  }
}

std::vector<Comparison> compare(const bench::PresetTimings& ours,
                                const nlohmann::ordered_json& peer) {
  std::vector<Comparison> rows;
  for (const auto& f : ours.figures) {
    const nlohmann::ordered_json* match = nullptr;
    for (const auto& theirs : peer.at("figures")) {
      if (theirs.at("figure") == f.figure && theirs.at("batch") == f.batch) match = &theirs;
    }
    if (!match) {
      throw Error("the PyTorch peer did not time " + ours.preset.preset + " " + f.figure +
                  " at batch " + std::to_string(f.batch));
    }
    rows.push_back({ours.preset.preset, f.figure, f.batch, f.seconds * 1e3,
                    match->at("ms").get<double>(), f.min_seconds * 1e3,
                    match->at("min_ms").get<double>(), f.peak_bytes, match->at("peak_bytes")});
  }
  return rows;
}

void print_comparison(std::ostream& out, const std::vector<Comparison>& rows) {
  out << "\naegan-vk vs PyTorch (" << kRatioConvention << "):\n";
  std::vector<std::vector<std::string>> table{{"preset", "figure", "batch", "aegan-vk images/s",
                                               "PyTorch images/s", "ratio", "ratio of fastest",
                                               "aegan-vk peak MiB", "PyTorch peak MiB"}};
  for (const auto& row : rows) {
    table.push_back(
        {row.preset, row.figure, std::to_string(row.batch),
         format_number(row.ours_images_per_second(), 3),
         format_number(row.peer_images_per_second(), 3), format_number(row.ratio(), 2),
         format_number(row.best_ratio(), 2), mib(row.ours_peak_bytes),
         row.peer_peak_bytes.is_number() ? mib(row.peer_peak_bytes.get<uint64_t>()) : "-"});
  }
  print_table(out, table, 2);
}

nlohmann::ordered_json comparison_json(const std::vector<Comparison>& rows) {
  nlohmann::ordered_json json = nlohmann::ordered_json::array();
  for (const auto& row : rows) {
    json.push_back({{"preset", row.preset},
                    {"figure", row.figure},
                    {"batch", row.batch},
                    {"aegan_vk_ms", row.ours_ms},
                    {"pytorch_ms", row.peer_ms},
                    {"aegan_vk_min_ms", row.ours_min_ms},
                    {"pytorch_min_ms", row.peer_min_ms},
                    {"aegan_vk_images_per_second", row.ours_images_per_second()},
                    {"pytorch_images_per_second", row.peer_images_per_second()},
                    {"ratio", row.ratio()},
                    {"ratio_of_fastest", row.best_ratio()},
                    {"aegan_vk_peak_bytes", row.ours_peak_bytes},
                    {"pytorch_peak_bytes", row.peer_peak_bytes}});
  }
  return json;
}

}  // namespace aegan::app
