#include "app/options.hpp"

#include <CLI/CLI.hpp>

#include "engine/runtime.hpp"

namespace aegan::app {

void add_global_options(CLI::App& app, GlobalFlags& flags) {
  // Taken as text so that a bad value gets our one-line error instead of CLI11's usage dump.
  app.add_option("--device", flags.device,
                 "Vulkan device index from `aegan-vk devices` (default: env AEGAN_VK_DEVICE, "
                 "else the best usable device)")
      ->type_name("N");
  app.add_flag("--validation", flags.validation,
               "enable the Khronos validation layer with synchronization checks (also env "
               "AEGAN_VK_VALIDATION=1)");
  app.add_flag("--no-fp16", flags.no_fp16,
               "keep convolutions in float32: never run the float16 kernels, even where the "
               "autotuner chose one (also env AEGAN_VK_FP16=0)");
}

GlobalOptions resolve_global_options(const GlobalFlags& flags, const Settings& environment) {
  GlobalOptions options = environment;
  if (!flags.device.empty()) options.device = parse_device_index(flags.device, "--device");
  if (flags.validation) options.validation = true;
  if (flags.no_fp16) options.fp16 = false;
  return options;
}

vk::ContextOptions context_options(const GlobalOptions& options) {
  vk::ContextOptions result;
  result.device_index = options.device;
  result.validation = options.validation;
  return result;
}

void start_runtime(const GlobalOptions& options) {
  Runtime::init(RuntimeOptions{options});
}

}  // namespace aegan::app
