#include "app/bench_report.hpp"

#include <chrono>
#include <ctime>
#include <map>

#include "app/format.hpp"

namespace aegan::app {
namespace {

std::string variant_label(const bench::ConvMeasurement& m) {
  return m.variant.empty() ? "auto:" + m.kernel : m.variant;
}

std::string layers_label(const std::vector<std::string>& layers) {
  return layers.size() == 1 ? layers[0]
                            : layers[0] + " +" + std::to_string(layers.size() - 1) + " more";
}

// Every layer's passes once, each layer timed at its shape's measurement: a rough estimate of
// one training step's convolution time (a step runs some networks more than once).
struct Total {
  double seconds[3] = {};
  double flops = 0;
  double all_seconds() const { return seconds[0] + seconds[1] + seconds[2]; }
};

const char* const kPeerTotal = "PyTorch";
const char* const kOpsRatioConvention =
    "ratio = aegan-vk time / PyTorch time: below 1.0 aegan-vk is faster, above 1.0 PyTorch is";

std::map<std::string, Total> totals(const PresetBench& run) {
  std::map<std::string, Total> result;
  for (const auto& m : run.result.measurements) {
    const double layers = static_cast<double>(run.shapes[m.shape].layers.size());
    Total& total = result[m.variant.empty() ? "auto" : m.variant];
    total.seconds[static_cast<int>(m.pass)] += layers * m.timing.seconds;
    total.flops += layers * m.work.flops;
  }
  for (const auto& [key, timing] : run.peer) {
    const auto [shape, pass] = key;
    const double layers = static_cast<double>(run.shapes[shape].layers.size());
    Total& total = result[kPeerTotal];
    total.seconds[static_cast<int>(pass)] += layers * timing.seconds;
    total.flops += layers * bench::pass_work(run.shapes[shape], pass, run.batch).flops;
  }
  return result;
}

// PyTorch's time for the pass of `m`, if the peer timed it.
const bench::Timing* peer_timing(const PresetBench& run, const bench::ConvMeasurement& m) {
  const auto found = run.peer.find({m.shape, m.pass});
  return found == run.peer.end() ? nullptr : &found->second;
}

// The engine's automatic choice against PyTorch over every layer both timed; 0 if none.
double total_ratio(const std::map<std::string, Total>& all) {
  const auto ours = all.find("auto"), theirs = all.find(kPeerTotal);
  if (ours == all.end() || theirs == all.end()) return 0;
  return ours->second.all_seconds() / theirs->second.all_seconds();
}

size_t layer_count(const PresetBench& run) {
  size_t count = 0;
  for (const auto& shape : run.shapes)
    count += shape.layers.size();
  return count;
}

std::string skipped_note(const PresetBench& run) {
  const size_t skipped = run.shapes.size() - run.result.shapes_done;
  return skipped ? " (partial: " + std::to_string(skipped) + " shapes skipped, time limit)" : "";
}

void print_preset(std::ostream& out, const PresetBench& run, double peak) {
  out << "\n"
      << run.preset.name << ", batch " << run.batch << ": " << run.shapes.size()
      << " distinct conv shapes of " << layer_count(run) << " layers" << skipped_note(run) << "\n";
  std::vector<std::vector<std::string>> rows{
      {"layer(s)", "shape", "pass", "variant", "reps", "ms", "GFLOP/s", "GB/s"}};
  if (peak > 0) rows[0].push_back("%peak");
  if (!run.peer.empty()) rows[0].insert(rows[0].end(), {"PyTorch GFLOP/s", "ratio"});
  for (const auto& m : run.result.measurements) {
    rows.push_back({layers_label(run.shapes[m.shape].layers), run.shapes[m.shape].describe(),
                    bench::pass_name(m.pass), variant_label(m),
                    std::to_string(m.timing.repetitions), format_number(m.timing.seconds * 1e3, 3),
                    format_number(m.gflops(), 2), format_number(m.gbytes_per_second(), 2)});
    if (peak > 0) rows.back().push_back(format_number(100 * m.gflops() * 1e9 / peak, 1));
    if (!run.peer.empty()) {
      const bench::Timing* theirs = peer_timing(run, m);
      rows.back().push_back(theirs ? format_number(m.work.flops / theirs->seconds * 1e-9, 2) : "-");
      rows.back().push_back(theirs ? format_number(m.timing.seconds / theirs->seconds, 2) : "-");
    }
  }
  print_table(out, rows, 4);
  out << "\n"
      << run.preset.name << " totals, every layer once (batch " << run.batch
      << "; a rough estimate of one training step's convolutions)" << skipped_note(run) << ":\n";
  std::vector<std::vector<std::string>> total_rows{
      {"variant", "forward ms", "backward-data ms", "backward-weight ms", "total ms", "GFLOP/s"}};
  const std::map<std::string, Total> all = totals(run);
  for (const auto& [variant, total] : all) {
    total_rows.push_back({variant, format_number(total.seconds[0] * 1e3, 2),
                          format_number(total.seconds[1] * 1e3, 2),
                          format_number(total.seconds[2] * 1e3, 2),
                          format_number(total.all_seconds() * 1e3, 2),
                          format_number(total.flops / total.all_seconds() * 1e-9, 2)});
  }
  print_table(out, total_rows, 1);
  if (const double ratio = total_ratio(all); ratio > 0) {
    out << "total ratio, auto / PyTorch: " << format_number(ratio, 2) << " (" << kOpsRatioConvention
        << ")\n";
  }
}

}  // namespace

std::string today() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", std::localtime(&now));
  return buffer;
}

std::string describe_device(const vk::DeviceInfo& d) {
  return "device " + std::to_string(d.index) + ": " + d.name + " (" + d.type_name() + "), driver " +
         d.driver_name + (d.driver_info.empty() ? "" : " " + d.driver_info) + ", Vulkan " +
         format_vulkan_version(d.api_version);
}

nlohmann::ordered_json device_json(const vk::DeviceInfo& d) {
  return {{"index", d.index},
          {"name", d.name},
          {"type", d.type_name()},
          {"driver", d.driver_name},
          {"driver_info", d.driver_info},
          {"vulkan", format_vulkan_version(d.api_version)}};
}

void print_ops_report(std::ostream& out, const OpsReport& report) {
  out << describe_device(report.device) << "\n";
  if (report.peak_flops > 0) {
    out << "peak: " << format_number(report.peak_flops * 1e-9, 1)
        << " GFLOP/s, measured on a kernel of independent fused multiply-adds (%peak is "
           "relative to it)\n";
  }
  if (!report.peer.empty()) out << "peer: " << report.peer << "\n";
  for (const auto& run : report.presets)
    print_preset(out, run, report.peak_flops);
}

nlohmann::ordered_json ops_report_json(const OpsReport& report) {
  nlohmann::ordered_json json;
  json["device"] = device_json(report.device);
  json["peak_gflops"] = report.peak_flops * 1e-9;
  if (!report.peer.empty()) {
    json["pytorch"] = report.peer;
    json["convention"] = kOpsRatioConvention;
  }
  json["presets"] = nlohmann::ordered_json::array();
  for (const auto& run : report.presets) {
    nlohmann::ordered_json preset{{"preset", run.preset.name},
                                  {"batch", run.batch},
                                  {"shapes", run.shapes.size()},
                                  {"shapes_skipped", run.shapes.size() - run.result.shapes_done}};
    auto& measurements = preset["measurements"] = nlohmann::ordered_json::array();
    for (const auto& m : run.result.measurements) {
      const bench::ConvShape& shape = run.shapes[m.shape];
      measurements.push_back({{"layers", shape.layers},
                              {"shape", shape.describe()},
                              {"pass", bench::pass_name(m.pass)},
                              {"variant", m.variant.empty() ? "auto" : m.variant},
                              {"kernel", m.kernel},
                              {"repetitions", m.timing.repetitions},
                              {"ms", m.timing.seconds * 1e3},
                              {"flops", m.work.flops},
                              {"bytes", m.work.bytes},
                              {"gflops", m.gflops()},
                              {"gbytes_per_second", m.gbytes_per_second()}});
      if (report.peak_flops > 0) {
        measurements.back()["peak_fraction"] = m.gflops() * 1e9 / report.peak_flops;
      }
      if (const bench::Timing* theirs = peer_timing(run, m)) {
        measurements.back()["pytorch_ms"] = theirs->seconds * 1e3;
        measurements.back()["pytorch_repetitions"] = theirs->repetitions;
        measurements.back()["ratio"] = m.timing.seconds / theirs->seconds;
      }
    }
    const std::map<std::string, Total> all = totals(run);
    if (const double ratio = total_ratio(all); ratio > 0) preset["total_ratio"] = ratio;
    auto& total_json = preset["totals"] = nlohmann::ordered_json::array();
    for (const auto& [variant, total] : all) {
      total_json.push_back({{"variant", variant},
                            {"forward_ms", total.seconds[0] * 1e3},
                            {"backward_data_ms", total.seconds[1] * 1e3},
                            {"backward_weight_ms", total.seconds[2] * 1e3},
                            {"total_ms", total.all_seconds() * 1e3},
                            {"gflops", total.flops / total.all_seconds() * 1e-9}});
    }
    json["presets"].push_back(std::move(preset));
  }
  return json;
}

}  // namespace aegan::app
