#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace aegan::app {

// "15.52 GiB", "128.0 MiB", "512 bytes": binary units, since that is what Vulkan limits are.
std::string format_bytes(uint64_t bytes);

// "1.3.230" from a VK_MAKE_API_VERSION value.
std::string format_vulkan_version(uint32_t version);

// A fixed number of decimals: "12.50".
std::string format_number(double value, int decimals);

// Rows of cells as a plain-text table: columns padded to their widest cell, the columns from
// `first_numeric` on aligned right.
void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows,
                 size_t first_numeric);

}  // namespace aegan::app
