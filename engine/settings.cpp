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

}  // namespace

bool parse_switch(std::string_view text, std::string_view source) {
  const std::string value = lower(text);
  if (value == "0" || value == "false" || value == "no" || value == "off") return false;
  if (value == "1" || value == "true" || value == "yes" || value == "on") return true;
  throw Error(std::string(source) + " must be 1 or 0 (or true/false, yes/no, on/off), got '" +
              std::string(text) + "'");
}

uint64_t parse_integer(std::string_view text, std::string_view source, uint64_t max) {
  if (const auto value = whole_number(text, max)) return *value;
  throw Error(std::string(source) + " must be an integer from 0 to " + std::to_string(max) +
              ", got '" + std::string(text) + "'");
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

Settings read_settings(const Lookup& lookup, Settings defaults) {
  Settings s = std::move(defaults);
  // Calls `apply` with the text of variable `name` where it is set and not empty.
  auto with = [&](const char* name, auto&& apply) {
    if (const char* value = lookup(name); value && *value) apply(std::string_view(value), name);
  };
  auto on_off = [&](const char* name, bool& field) {
    with(name,
         [&](std::string_view text, const char* source) { field = parse_switch(text, source); });
  };
  with("AEGAN_VK_DEVICE", [&](std::string_view text, const char* source) {
    s.device = parse_device_index(text, source);
  });
  on_off("AEGAN_VK_VALIDATION", s.validation);
  on_off("AEGAN_VK_FP16", s.fp16);
  with("AEGAN_VK_CACHE_DIR", [&](std::string_view text, const char*) { s.cache_dir = text; });
  if (s.cache_dir.empty()) s.cache_dir = default_cache_dir(lookup);
  with("AEGAN_VK_PACK_CACHE_MIB", [&](std::string_view text, const char* source) {
    s.pack_cache_mib = parse_integer(text, source, Settings::kMaxPackCacheMib);
  });
  on_off("AEGAN_VK_CONV_TUNE", s.conv_tune);
  on_off("AEGAN_VK_PROFILE", s.profile);
  on_off("AEGAN_VK_TEXEL_READS", s.texel_reads);
  with("AEGAN_VK_CONV_VARIANT", [&](std::string_view text, const char* source) {
    s.conv_variant = parse_choice(text, source, ops::conv::variant_names());
  });
  on_off("AEGAN_VK_SEPARATE_PRESENT", s.separate_present);
  return s;
}

Settings settings_from_environment(Settings defaults) {
  return read_settings([](const char* name) { return std::getenv(name); }, std::move(defaults));
}

}  // namespace aegan
