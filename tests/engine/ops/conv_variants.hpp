#pragma once
// What the conv op tests need to know about a kernel variant they force
// (engine/ops/conv_kernels.hpp): what it rounds to float16, and whether this device can run it.
#include <string>

#include "engine/ops/conv_kernels.hpp"
#include "engine/vk/context.hpp"

namespace aegan::test {

enum class Rounding {
  none,                // float32 throughout
  weights,             // the _half kernels: float16 weights
  weights_and_inputs,  // coop, coop_emulated: float16 weights and input values (forward only)
};

inline Rounding rounding_of(const std::string& variant) {
  if (variant.starts_with("coop")) return Rounding::weights_and_inputs;
  if (variant.ends_with("_half")) return Rounding::weights;
  return Rounding::none;
}

// Why the device cannot run the variant on any shape ("" where it can): tests then skip it,
// printing the reason, rather than check the float32 kernel it would give way to.
inline std::string unavailable(const std::string& variant, const vk::DeviceInfo& device) {
  if (rounding_of(variant) != Rounding::none && !ops::conv::half_weights(device)) {
    return "the device has no 16-bit storage buffers, which float16 weights need";
  }
  if (variant.starts_with("coop") && !device.shader_float16) {
    return "the device has no float16 arithmetic (shaderFloat16)";
  }
  if (variant == "coop" && !(device.nv_cooperative_matrix_f16 && device.subgroup_size == 32)) {
    return "the device has no VK_NV_cooperative_matrix with 16x16x16 float16 products in "
           "subgroups of 32";
  }
  return "";
}

}  // namespace aegan::test
