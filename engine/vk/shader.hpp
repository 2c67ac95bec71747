#pragma once
#include <cstddef>
#include <cstdint>

namespace aegan::vk {

// One compute kernel's SPIR-V, embedded at build time (see cmake/EmbedShaders.cmake).
struct ShaderCode {
  const char* name;
  const uint32_t* words;
  size_t word_count;
  // The same kernel reading its inputs through texel views (see shaders/common.glsl), if any.
  const ShaderCode* texel = nullptr;
};

}  // namespace aegan::vk
