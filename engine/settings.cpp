#include "engine/settings.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

#include "engine/error.hpp"
#include "engine/ops/conv_kernels.hpp"

namespace aegan {
namespace {

std::string lower(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

// The value of all-digit `text` where it is at most `max`. from_chars alone would take "1x" as 1
// and "+1" or " 1" are not what a setting looks like, so every character must be a digit.
std::optional<uint64_t> whole_number(std::string_view text, uint64_t max) {
  const bool digits = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (!digits || ec != std::errc() || ptr != end || value > max) return std::nullopt;
  return value;
}

std::filesystem::path default_cache_dir(const Lookup& lookup) {
  auto set = [&](const char* name) -> const char* {
    const char* value = lookup(name);
    return value && *value ? value : nullptr;
  };
  if (const char* xdg = set("XDG_CACHE_HOME")) return std::filesystem::path(xdg) / "aegan-vk";
  if (const char* home = set("HOME")) return std::filesystem::path(home) / ".cache" / "aegan-vk";
  return std::filesystem::temp_directory_path() / "aegan-vk";
}

// The apply function of the switch that sets `field`.
template <bool Settings::*field>
void set_switch(Settings& settings, std::string_view text, const char* name) {
  settings.*field = parse_switch(text, name);
}

}  // namespace

bool parse_switch(std::string_view text, std::string_view source) {
  const std::string value = lower(text);
  if (value == "0" || value == "false" || value == "no" || value == "off") return false;
  if (value == "1" || value == "true" || value == "yes" || value == "on") return true;
  throw Error(std::string(source) + " must be 1 or 0 (or true/false, yes/no, on/off), got '" +
              std::string(text) + "'");
}

uint64_t parse_integer(std::string_view text, std::string_view source, uint64_t max, uint64_t min) {
  if (const auto value = whole_number(text, max); value && *value >= min) return *value;
  throw Error(std::string(source) + " must be an integer from " + std::to_string(min) + " to " +
              std::to_string(max) + ", got '" + std::string(text) + "'");
}

uint32_t parse_device_index(std::string_view text, std::string_view source) {
  if (const auto value = whole_number(text, UINT32_MAX)) return static_cast<uint32_t>(*value);
  throw Error(std::string(source) + " must be a non-negative integer device index, got '" +
              std::string(text) + "' (see `aegan-vk devices`)");
}

std::string parse_choice(std::string_view text, std::string_view source,
                         const std::vector<std::string>& allowed) {
  if (std::find(allowed.begin(), allowed.end(), text) != allowed.end()) return std::string(text);
  std::string list;
  for (const auto& name : allowed)
    list += (list.empty() ? "" : ", ") + name;
  throw Error(std::string(source) + " must be one of " + list + ", got '" + std::string(text) +
              "'");
}

std::span<const SettingVariable> setting_variables() {
  static const SettingVariable variables[] = {
      {"AEGAN_VK_DEVICE",
       "Vulkan device index from `aegan-vk devices`; unset picks the best usable device.", false,
       [](Settings& s, std::string_view text, const char* name) {
         s.device = parse_device_index(text, name);
       }},
      {"AEGAN_VK_VALIDATION",
       "1 turns on the Khronos validation layer with synchronization checks (slow).", false,
       set_switch<&Settings::validation>},
      {"AEGAN_VK_FP16",
       "0 keeps convolutions in float32: the float16 kernels never run (default 1).", false,
       set_switch<&Settings::fp16>},
      {"AEGAN_VK_CACHE_DIR",
       "Folder for the pipeline and tuning caches (default $XDG_CACHE_HOME/aegan-vk, else "
       "~/.cache/aegan-vk).",
       false, [](Settings& s, std::string_view text, const char*) { s.cache_dir = text; }},
      {"AEGAN_VK_PACK_CACHE_MIB",
       "MiB for the convolutions' cache of packed weights; 0 turns it off (default 256).", false,
       [](Settings& s, std::string_view text, const char* name) {
         s.pack_cache_mib = parse_integer(text, name, Settings::kMaxPackCacheMib);
       }},
      {"AEGAN_VK_CONV_TUNE",
       "1 lets the convolution autotuner time every shape it has no recorded choice for.", false,
       set_switch<&Settings::conv_tune>},
      {"AEGAN_VK_RANK_TIMEOUT",
       "Seconds (1 to 86400) a rank of an MPI run waits for the others before it ends with an "
       "error (default 120).",
       false,
       [](Settings& s, std::string_view text, const char* name) {
         s.rank_timeout_s =
             static_cast<uint32_t>(parse_integer(text, name, Settings::kMaxRankTimeoutS, 1));
       }},
      {"AEGAN_VK_PROFILE", "1 times every kernel on its own (diagnostic; slow).", true,
       set_switch<&Settings::profile>},
      {"AEGAN_VK_TEXEL_READS", "0 makes every kernel read through pointers, not texel buffers.",
       true, set_switch<&Settings::texel_reads>},
      {"AEGAN_VK_CONV_VARIANT", "Forces one convolution kernel wherever it can run.", true,
       [](Settings& s, std::string_view text, const char* name) {
         s.conv_variant = parse_choice(text, name, ops::conv::variant_names());
       }},
      {"AEGAN_VK_SEPARATE_PRESENT", "1 makes the viewer present from a queue of its own.", true,
       set_switch<&Settings::separate_present>},
  };
  return variables;
}

Settings read_settings(const Lookup& lookup, Settings defaults) {
  Settings s = std::move(defaults);
  for (const SettingVariable& variable : setting_variables()) {
    if (const char* value = lookup(variable.name); value && *value)
      variable.apply(s, value, variable.name);
  }
  if (s.cache_dir.empty()) s.cache_dir = default_cache_dir(lookup);
  return s;
}

Settings settings_from_environment(Settings defaults) {
  return read_settings([](const char* name) { return std::getenv(name); }, std::move(defaults));
}

}  // namespace aegan
