#include "app/device_report.hpp"

#include <iomanip>

#include "app/format.hpp"
#include "engine/error.hpp"

namespace aegan::app {
namespace {

std::string subgroup_text(const vk::DeviceInfo& d) {
  if (d.subgroup_size == 0) return "unknown";
  std::string text = std::to_string(d.subgroup_size);
  if (d.subgroup_size_control && d.min_subgroup_size > 0) {
    text += " (size control: " + std::to_string(d.min_subgroup_size) + "-" +
            std::to_string(d.max_subgroup_size) + ")";
  }
  return text;
}

std::string driver_text(const vk::DeviceInfo& d) {
  if (d.driver_name.empty()) return "unknown";
  return d.driver_info.empty() ? d.driver_name : d.driver_name + ", " + d.driver_info;
}

const char* yes_no(bool value) {
  return value ? "yes" : "no";
}

}  // namespace

DeviceReport make_device_report(std::vector<vk::DeviceInfo> devices,
                                std::optional<uint32_t> requested) {
  if (devices.empty()) {
    throw Error(
        "no Vulkan device found: install your GPU's Vulkan driver, or mesa-vulkan-drivers for the "
        "CPU implementation (lavapipe)");
  }
  DeviceReport report;
  report.devices = std::move(devices);
  if (requested) {
    if (*requested >= report.devices.size()) {
      const size_t count = report.devices.size();
      throw Error("device " + std::to_string(*requested) + " does not exist: " +
                  (count == 1 ? std::string("there is 1 device (index 0)")
                              : "there are " + std::to_string(count) + " devices (indices 0-" +
                                    std::to_string(count - 1) + ")"));
    }
    report.selected = requested;
    const std::string reason = report.devices[*requested].unsupported_reason();
    if (!reason.empty()) {
      report.problem = "selected device " + std::to_string(*requested) + " (" +
                       report.devices[*requested].name + ") cannot be used: " + reason;
    }
  } else {
    try {
      report.selected = vk::Context::preferred_device(report.devices);
    } catch (const Error& e) {
      report.problem = e.what();
    }
  }
  return report;
}

void print_device_report(std::ostream& out, const DeviceReport& report) {
  out << "Vulkan devices (* = the one commands use; choose another with --device N or "
         "AEGAN_VK_DEVICE)\n";
  for (const vk::DeviceInfo& d : report.devices) {
    const bool selected = report.selected == d.index;
    out << '\n' << (selected ? "* " : "  ") << '[' << d.index << "] " << d.name << '\n';
    const auto row = [&out](const char* key, const std::string& value) {
      out << "      " << std::left << std::setw(21) << key << value << '\n';
    };
    row("type", d.type_name());
    row("driver", driver_text(d));
    row("Vulkan", format_vulkan_version(d.api_version));
    row("device-local memory", format_bytes(d.device_local_bytes));
    row("subgroup size", subgroup_text(d));
    row("max workgroup", std::to_string(d.max_workgroup_invocations) + " invocations");
    row("max storage buffer", format_bytes(d.max_storage_buffer_range));
    row("max allocation", d.max_memory_allocation_bytes
                              ? format_bytes(d.max_memory_allocation_bytes)
                              : std::string("unknown"));
    row("fp16 storage", yes_no(d.storage_buffer_16bit));
    row("fp16 arithmetic", yes_no(d.shader_float16));
    row("cooperative matrix",
        std::string(yes_no(d.cooperative_matrix)) +
            (d.nv_cooperative_matrix_f16 ? " (NV, float16 16x16x16: kernel coop)" : ""));
    const std::string reason = d.unsupported_reason();
    row("status", reason.empty() ? "usable" : "unsupported: " + reason);
  }
}

nlohmann::ordered_json device_report_json(const DeviceReport& report) {
  nlohmann::ordered_json devices = nlohmann::ordered_json::array();
  for (const vk::DeviceInfo& d : report.devices) {
    const std::string reason = d.unsupported_reason();
    devices.push_back({
        {"index", d.index},
        {"name", d.name},
        {"type", d.type_name()},
        {"selected", report.selected == d.index},
        {"driver",
         {{"name", d.driver_name}, {"info", d.driver_info}, {"version", d.driver_version}}},
        {"vendor_id", d.vendor_id},
        {"device_id", d.device_id},
        {"vulkan_api_version", format_vulkan_version(d.api_version)},
        {"device_local_bytes", d.device_local_bytes},
        {"subgroup",
         {{"size", d.subgroup_size},
          {"size_control", d.subgroup_size_control},
          {"min_size", d.min_subgroup_size},
          {"max_size", d.max_subgroup_size}}},
        {"max_workgroup_invocations", d.max_workgroup_invocations},
        {"max_storage_buffer_range", d.max_storage_buffer_range},
        {"max_memory_allocation_bytes", d.max_memory_allocation_bytes},
        {"features",
         {{"storage_buffer_16bit", d.storage_buffer_16bit},
          {"shader_float16", d.shader_float16},
          {"cooperative_matrix", d.cooperative_matrix},
          {"nv_cooperative_matrix_f16", d.nv_cooperative_matrix_f16},
          {"buffer_device_address", d.buffer_device_address}}},
        {"supported", reason.empty()},
        {"unsupported_reason",
         reason.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(reason)},
    });
  }
  return {
      {"selected", report.selected ? nlohmann::ordered_json(*report.selected)
                                   : nlohmann::ordered_json(nullptr)},
      {"problem", report.problem.empty() ? nlohmann::ordered_json(nullptr)
                                         : nlohmann::ordered_json(report.problem)},
      {"devices", devices},
  };
}

}  // namespace aegan::app
