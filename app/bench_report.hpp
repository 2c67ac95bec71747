#pragma once
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "bench/conv_bench.hpp"
#include "engine/vk/context.hpp"
#include "nets/preset.hpp"

namespace aegan::app {

// The conv benchmark of one preset, as `aegan-vk bench ops` reports it.
struct PresetBench {
  Preset preset;
  int batch = 1;
  std::vector<bench::ConvShape> shapes;
  bench::ConvBenchResult result;
};

struct OpsReport {
  vk::DeviceInfo device;
  double peak_flops = 0;  // measured FMA throughput; 0 = not measured
  std::vector<PresetBench> presets;
};

// "device 0: llvmpipe (...) (CPU), driver llvmpipe Mesa 22.3.6 (LLVM 15.0.6), Vulkan 1.3.230"
std::string describe_device(const vk::DeviceInfo& device);
nlohmann::ordered_json device_json(const vk::DeviceInfo& device);

void print_ops_report(std::ostream& out, const OpsReport& report);
nlohmann::ordered_json ops_report_json(const OpsReport& report);

}  // namespace aegan::app
