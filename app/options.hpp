#pragma once
#include <string>

#include "engine/settings.hpp"
#include "engine/vk/context.hpp"

namespace CLI {
class App;
}

namespace aegan::train {
class Ranks;
}

namespace aegan::app {

// Settings every sub-command that touches the GPU honours: the environment's (engine/settings.hpp)
// with the global flags applied over them, resolved once, after parsing.
using GlobalOptions = Settings;

// The raw text of the global flags, kept apart from GlobalOptions so that a bad value can be
// reported together with where it came from (flag or environment variable).
struct GlobalFlags {
  std::string device;
  bool validation = false;
  bool no_fp16 = false;
};

void add_global_options(CLI::App& app, GlobalFlags& flags);

// The flags over `environment`; throws aegan::Error on a malformed --device.
GlobalOptions resolve_global_options(const GlobalFlags& flags, const Settings& environment);

vk::ContextOptions context_options(const GlobalOptions& options);

// Starts the engine on the chosen device; commands that compute call it first.
void start_runtime(const GlobalOptions& options);

// Ranks on one machine take its devices of the best kind (discrete GPUs, say) in turn, by local
// rank; --device or AEGAN_VK_DEVICE names one for all.
GlobalOptions with_rank_device(GlobalOptions options, const train::Ranks& ranks);

}  // namespace aegan::app
