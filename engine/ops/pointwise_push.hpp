#pragma once
#include <vulkan/vulkan.h>

#include <cstdint>

namespace aegan::ops {

// Mirrors the push constants of shaders/pointwise.comp, whose variants reduce.cpp uses too.
struct PointwisePush {
  VkDeviceAddress a;
  VkDeviceAddress b;
  VkDeviceAddress y;
  uint32_t n;
  float alpha;
  uint32_t seed_lo;
  uint32_t seed_hi;
};

}  // namespace aegan::ops
