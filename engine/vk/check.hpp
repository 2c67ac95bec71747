#pragma once
#include <vulkan/vulkan.h>

#include <string>

#include "engine/error.hpp"

namespace aegan::vk {

const char* result_name(VkResult result);

// Throws aegan::Error naming the call and the result; out-of-memory results get a hint.
void throw_vk_error(VkResult result, const char* call);

inline void check(VkResult result, const char* call) {
  if (result != VK_SUCCESS) throw_vk_error(result, call);
}

}  // namespace aegan::vk

#define VK_CHECK(call) ::aegan::vk::check((call), #call)
