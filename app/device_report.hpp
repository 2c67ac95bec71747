#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "engine/vk/context.hpp"

namespace aegan::app {

// The list `aegan-vk devices` shows, with the device other commands would use under the current
// --device / AEGAN_VK_DEVICE setting.
struct DeviceReport {
  std::vector<vk::DeviceInfo> devices;
  std::optional<uint32_t> selected;
  // Why commands could not run with the current setting; empty when `selected` is usable.
  std::string problem;
};

// Throws aegan::Error when there is no device at all or `requested` is out of range; an unusable
// selection is recorded in `problem` so the list can still be shown.
DeviceReport make_device_report(std::vector<vk::DeviceInfo> devices,
                                std::optional<uint32_t> requested);

void print_device_report(std::ostream& out, const DeviceReport& report);
// Ordered so that the JSON reads in the same order as the text.
nlohmann::ordered_json device_report_json(const DeviceReport& report);

}  // namespace aegan::app
