#include "app/format.hpp"

#include <vulkan/vulkan.h>

#include <algorithm>
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

std::string format_number(double value, int decimals) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows,
                 size_t first_numeric) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      const std::string pad(widths[i] - row[i].size(), ' ');
      line += (i ? "  " : "") + (i >= first_numeric ? pad + row[i] : row[i] + pad);
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out << line << '\n';
  }
}

}  // namespace aegan::app
