#include "app/bench_report.hpp"

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

std::map<std::string, Total> totals(const PresetBench& run) {
  std::map<std::string, Total> result;
  for (const auto& m : run.result.measurements) {
    const double layers = static_cast<double>(run.shapes[m.shape].layers.size());
    Total& total = result[m.variant.empty() ? "auto" : m.variant];
    total.seconds[static_cast<int>(m.pass)] += layers * m.timing.seconds;
    total.flops += layers * m.work.flops;
  }
  return result;
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
  for (const auto& m : run.result.measurements) {
    rows.push_back({layers_label(run.shapes[m.shape].layers), run.shapes[m.shape].describe(),
                    bench::pass_name(m.pass), variant_label(m),
                    std::to_string(m.timing.repetitions), format_number(m.timing.seconds * 1e3, 3),
                    format_number(m.gflops(), 2), format_number(m.gbytes_per_second(), 2)});
    if (peak > 0) rows.back().push_back(format_number(100 * m.gflops() * 1e9 / peak, 1));
  }
  print_table(out, rows, 4);
  out << "\n"
      << run.preset.name << " totals, every layer once (batch " << run.batch
      << "; a rough estimate of one training step's convolutions)" << skipped_note(run) << ":\n";
  std::vector<std::vector<std::string>> total_rows{
      {"variant", "forward ms", "backward-data ms", "backward-weight ms", "total ms", "GFLOP/s"}};
  for (const auto& [variant, total] : totals(run)) {
    total_rows.push_back({variant, format_number(total.seconds[0] * 1e3, 2),
                          format_number(total.seconds[1] * 1e3, 2),
                          format_number(total.seconds[2] * 1e3, 2),
                          format_number(total.all_seconds() * 1e3, 2),
                          format_number(total.flops / total.all_seconds() * 1e-9, 2)});
  }
  print_table(out, total_rows, 1);
}

}  // namespace

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
  for (const auto& run : report.presets)
    print_preset(out, run, report.peak_flops);
}

nlohmann::ordered_json ops_report_json(const OpsReport& report) {
  nlohmann::ordered_json json;
  json["device"] = device_json(report.device);
  json["peak_gflops"] = report.peak_flops * 1e-9;
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
    }
    auto& total_json = preset["totals"] = nlohmann::ordered_json::array();
    for (const auto& [variant, total] : totals(run)) {
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
