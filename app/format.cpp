#include "app/format.hpp"

#include <vulkan/vulkan.h>

#include <cstdio>

namespace aegan::app {

std::string format_bytes(uint64_t bytes) {
  constexpr double kKiB = 1024.0;
  constexpr double kMiB = kKiB * 1024.0;
  constexpr double kGiB = kMiB * 1024.0;
  const auto value = static_cast<double>(bytes);
  char buffer[32];
  if (value >= kGiB) {
    std::snprintf(buffer, sizeof buffer, "%.2f GiB", value / kGiB);
  } else if (value >= kMiB) {
    std::snprintf(buffer, sizeof buffer, "%.1f MiB", value / kMiB);
  } else if (value >= kKiB) {
    std::snprintf(buffer, sizeof buffer, "%.1f KiB", value / kKiB);
  } else {
    std::snprintf(buffer, sizeof buffer, "%llu bytes", static_cast<unsigned long long>(bytes));
  }
  return buffer;
}

std::string format_vulkan_version(uint32_t version) {
  return std::to_string(VK_API_VERSION_MAJOR(version)) + "." +
         std::to_string(VK_API_VERSION_MINOR(version)) + "." +
         std::to_string(VK_API_VERSION_PATCH(version));
}

}  // namespace aegan::app
