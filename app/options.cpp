#include "app/options.hpp"

#include <CLI/CLI.hpp>

#include "engine/runtime.hpp"
#include "nets/train/ranks.hpp"

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

GlobalOptions with_rank_device(GlobalOptions options, const train::Ranks& ranks) {
  if (options.device || ranks.size() == 1) return options;
  const std::vector<vk::DeviceInfo> devices = vk::Context::list_devices();
  if (devices.empty()) return options;
  const VkPhysicalDeviceType best = devices[vk::Context::preferred_device(devices)].type;
  std::vector<uint32_t> candidates;
  for (const vk::DeviceInfo& device : devices) {
    if (device.type == best) candidates.push_back(device.index);
  }
  options.device = candidates[static_cast<size_t>(ranks.local_rank()) % candidates.size()];
  return options;
}

}  // namespace aegan::app
