#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/vk/context.hpp"

namespace CLI {
class App;
}

namespace aegan::app {

// Settings every sub-command that touches the GPU honours; resolved once, after parsing, from the
// command line with the environment as fallback.
struct GlobalOptions {
  std::optional<uint32_t> device;
  bool validation = false;
  bool fp16 = true;  // the float16-weight conv kernels may run (engine/ops/conv_kernels.hpp)
};

// The raw text of the global flags, kept apart from GlobalOptions so that a bad value can be
// reported together with where it came from (flag or environment variable).
struct GlobalFlags {
  std::string device;
  bool validation = false;
  bool no_fp16 = false;
};

void add_global_options(CLI::App& app, GlobalFlags& flags);

// Applies AEGAN_VK_DEVICE / AEGAN_VK_VALIDATION / AEGAN_VK_FP16 where the flag was not given;
// throws aegan::Error on a malformed value.
GlobalOptions resolve_global_options(const GlobalFlags& flags);

// `source` names the flag or variable in the error message.
uint32_t parse_device_index(std::string_view text, std::string_view source);

vk::ContextOptions context_options(const GlobalOptions& options);

// Starts the engine on the chosen device; commands that compute call it first.
void start_runtime(const GlobalOptions& options);

}  // namespace aegan::app
