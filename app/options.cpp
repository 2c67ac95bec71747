#include "app/options.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

#include "engine/error.hpp"
#include "engine/ops/conv_kernels.hpp"
#include "engine/runtime.hpp"

namespace aegan::app {
namespace {

constexpr const char* kDeviceVariable = "AEGAN_VK_DEVICE";
constexpr const char* kValidationVariable = "AEGAN_VK_VALIDATION";
constexpr const char* kFp16Variable = "AEGAN_VK_FP16";

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// An unrecognised value is an error rather than "off": a typo should not silently run without the
// checks the user asked for.
bool parse_switch(const std::string& text, std::string_view source) {
  const std::string value = lower(text);
  if (value.empty() || value == "0" || value == "false" || value == "no" || value == "off") {
    return false;
  }
  if (value == "1" || value == "true" || value == "yes" || value == "on") return true;
  throw Error(std::string(source) + " must be 1 or 0, got '" + text + "'");
}

}  // namespace

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
               "keep convolutions in float32: never run the float16 kernels (_half, coop), even "
               "where the autotuner chose one (also env AEGAN_VK_FP16=0)");
}

uint32_t parse_device_index(std::string_view text, std::string_view source) {
  uint32_t value = 0;
  const char* end = text.data() + text.size();
  // from_chars stops at the first non-digit ("1x" would read as 1), so every character is checked
  // too; ec still catches values beyond uint32_t.
  const bool digits = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (!digits || ec != std::errc() || ptr != end) {
    throw Error(std::string(source) + " must be a non-negative integer device index, got '" +
                std::string(text) + "' (see `aegan-vk devices`)");
  }
  return value;
}

GlobalOptions resolve_global_options(const GlobalFlags& flags) {
  GlobalOptions options;
  if (!flags.device.empty()) {
    options.device = parse_device_index(flags.device, "--device");
  } else if (const char* env = std::getenv(kDeviceVariable); env && *env) {
    options.device = parse_device_index(env, kDeviceVariable);
  }
  options.validation = flags.validation;
  if (!options.validation) {
    if (const char* env = std::getenv(kValidationVariable)) {
      options.validation = parse_switch(env, kValidationVariable);
    }
  }
  options.fp16 = !flags.no_fp16;
  if (options.fp16) {
    if (const char* env = std::getenv(kFp16Variable); env && *env) {
      options.fp16 = parse_switch(env, kFp16Variable);
    }
  }
  return options;
}

vk::ContextOptions context_options(const GlobalOptions& options) {
  vk::ContextOptions result;
  result.device_index = options.device;
  result.validation = options.validation;
  return result;
}

void start_runtime(const GlobalOptions& options) {
  Runtime::init(RuntimeOptions{options.device, options.validation});
  ops::conv::allow_half_weights(options.fp16);
}

}  // namespace aegan::app
