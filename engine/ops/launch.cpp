#include "engine/ops/launch.hpp"

#include <algorithm>

namespace aegan::ops {

vk::Groups grid_1d(uint64_t invocations, uint32_t workgroup_size) {
  const uint64_t groups = (invocations + workgroup_size - 1) / workgroup_size;
  const uint64_t max_x = Runtime::get().device().max_workgroup_count[0];
  const uint64_t x = std::max<uint64_t>(1, std::min(groups, max_x));
  const uint64_t y = (groups + x - 1) / x;
  if (y > Runtime::get().device().max_workgroup_count[1]) {
    throw Error("tensor too large for one dispatch on this device");
  }
  return {static_cast<uint32_t>(x), static_cast<uint32_t>(std::max<uint64_t>(y, 1)), 1};
}

}  // namespace aegan::ops
