#include <gtest/gtest.h>

#include <bit>

#include "engine/runtime.hpp"
#include "engine/vk/context.hpp"

namespace aegan::vk {
namespace {

DeviceInfo device(uint32_t index, VkPhysicalDeviceType type, bool usable = true) {
  DeviceInfo info;
  info.index = index;
  info.name = "device " + std::to_string(index);
  info.type = type;
  info.api_version = VK_API_VERSION_1_3;
  info.buffer_device_address = usable;
  info.max_push_constants_bytes = 128;
  return info;
}

TEST(DeviceChoice, PrefersDiscreteThenIntegratedThenCpu) {
  EXPECT_EQ(Context::preferred_device({device(0, VK_PHYSICAL_DEVICE_TYPE_CPU),
                                       device(1, VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU),
                                       device(2, VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU)}),
            2u);
  EXPECT_EQ(Context::preferred_device({device(0, VK_PHYSICAL_DEVICE_TYPE_CPU),
                                       device(1, VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU)}),
            1u);
}

TEST(DeviceChoice, SkipsDevicesWithoutRequiredFeatures) {
  EXPECT_EQ(Context::preferred_device({device(0, VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU, false),
                                       device(1, VK_PHYSICAL_DEVICE_TYPE_CPU)}),
            1u);
  EXPECT_THROW(Context::preferred_device({device(0, VK_PHYSICAL_DEVICE_TYPE_CPU, false)}), Error);
  EXPECT_THROW(Context::preferred_device({}), Error);
}

TEST(DeviceChoice, ListsTheDeviceInUse) {
  const auto devices = Context::list_devices();
  const DeviceInfo& current = Runtime::get().device();
  ASSERT_LT(current.index, devices.size());
  EXPECT_EQ(devices[current.index].name, current.name);
  EXPECT_GT(current.subgroup_size, 0u);
  EXPECT_GE(current.max_workgroup_invocations, Runtime::get().workgroup_size());
  EXPECT_EQ(std::popcount(Runtime::get().workgroup_size()), 1);
}

}  // namespace
}  // namespace aegan::vk
