#pragma once
#include <cstdint>
#include <string>

namespace aegan::app {

// "15.52 GiB", "128.0 MiB", "512 bytes": binary units, since that is what Vulkan limits are.
std::string format_bytes(uint64_t bytes);

// "1.3.230" from a VK_MAKE_API_VERSION value.
std::string format_vulkan_version(uint32_t version);

}  // namespace aegan::app
