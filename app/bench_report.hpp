#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "bench/conv_bench.hpp"
#include "engine/vk/context.hpp"
#include "nets/models/aegan/preset.hpp"

namespace aegan::app {

// PyTorch's time for a pass of a shape (`bench ops --peer`), by shape index and pass.
using PeerConvTimes = std::map<std::pair<size_t, bench::ConvPass>, bench::Timing>;

// The conv benchmark of one preset, as `aegan-vk bench ops` reports it.
struct PresetBench {
  Preset preset;
  int batch = 1;
  std::vector<bench::ConvShape> shapes;
  bench::ConvBenchResult result;
  PeerConvTimes peer;  // empty without --peer
};

struct OpsReport {
  vk::DeviceInfo device;
  double peak_flops = 0;  // measured FMA throughput; 0 = not measured
  std::string peer;       // PyTorch's description of itself (`--peer`), else empty
  std::vector<PresetBench> presets;
};

// "device 0: llvmpipe (...) (CPU), driver llvmpipe Mesa 22.3.6 (LLVM 15.0.6), Vulkan 1.3.230"
std::string describe_device(const vk::DeviceInfo& device);
nlohmann::ordered_json device_json(const vk::DeviceInfo& device);
// The local date, "2026-12-03", that a benchmark's JSON records.
std::string today();

void print_ops_report(std::ostream& out, const OpsReport& report);
nlohmann::ordered_json ops_report_json(const OpsReport& report);

}  // namespace aegan::app
