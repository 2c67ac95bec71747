#pragma once
// Every AEGAN_VK_* environment variable, read in this one place when a program starts and handed
// to the engine in RuntimeOptions (Runtime::settings()). Each is parsed strictly: a malformed
// value is an aegan::Error naming the variable and the value, not a silent default, since a typo
// would otherwise run without what was asked for. An empty value counts as unset.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace aegan {

struct Settings {
  // AEGAN_VK_DEVICE (integer): an index from `aegan-vk devices`; empty picks the best device.
  std::optional<uint32_t> device;
  // AEGAN_VK_VALIDATION (switch): the Khronos validation layer with synchronization checks.
  bool validation = false;
  // AEGAN_VK_FP16 (switch): the float16 conv kernels may run (engine/ops/conv_kernels.hpp).
  bool fp16 = true;
  // AEGAN_VK_CACHE_DIR (path): where pipeline and tuning caches go. Unset:
  // $XDG_CACHE_HOME/aegan-vk, else ~/.cache/aegan-vk, else aegan-vk in the temporary directory;
  // never empty once read.
  std::filesystem::path cache_dir;
  // AEGAN_VK_PACK_CACHE_MIB (integer, 0 .. kMaxPackCacheMib): the packed-weight cache of the conv
  // kernels (engine/ops/derived_cache.hpp); 0 turns it off.
  uint64_t pack_cache_mib = 256;
  // AEGAN_VK_CONV_TUNE (switch): the conv autotuner measures shapes without a recorded choice
  // (engine/ops/conv_tuning.hpp).
  bool conv_tune = false;

  // Diagnostic and test switches, not meant for normal runs:
  // AEGAN_VK_PROFILE (switch, diagnostic): times every kernel alone (engine/profile.hpp).
  bool profile = false;
  // AEGAN_VK_TEXEL_READS (switch, test): off makes every kernel read through pointers, so that
  // scripts/test.sh checks the pointer variants on lavapipe too (engine/ops/launch.hpp).
  bool texel_reads = true;
  // AEGAN_VK_CONV_VARIANT (enumeration of ops::conv::variant_names(), test and diagnostic): the
  // conv kernel forced wherever it can run; empty leaves the choice automatic.
  std::string conv_variant;
  // AEGAN_VK_SEPARATE_PRESENT (switch, test): the viewer presents from a queue of its own, the
  // path of devices whose drawing queue cannot present (viewer/window.hpp).
  bool separate_present = false;

  // AEGAN_VK_RANK_TIMEOUT (whole seconds, 1 .. kMaxRankTimeoutS): how long a rank of an MPI run
  // waits for the others in one call before it ends with an error (nets/train/ranks.hpp).
  uint32_t rank_timeout_s = 120;

  static constexpr uint64_t kMaxPackCacheMib = uint64_t{1} << 20;  // 1 TiB
  static constexpr uint32_t kMaxRankTimeoutS = 86400;              // a day
};

// One AEGAN_VK_* variable: read_settings reads exactly the variables of setting_variables(), and
// docs/cli.md lists those that are not test-only.
struct SettingVariable {
  const char* name;
  // What it sets and what it takes, one sentence for the documentation.
  const char* meaning;
  // A diagnostic or test switch, not meant for normal runs.
  bool test_only;
  // Parses the (non-empty) `text` into `settings`; throws aegan::Error naming the variable.
  void (*apply)(Settings& settings, std::string_view text, const char* name);
};
std::span<const SettingVariable> setting_variables();

// The value of an environment variable, or null where it is unset.
using Lookup = std::function<const char*(const char* name)>;

// `defaults` with every variable that `lookup` finds set applied; throws aegan::Error on a
// malformed value. (Programs differ in a few defaults: the tests run with validation on.)
Settings read_settings(const Lookup& lookup, Settings defaults = {});
// read_settings() of the process's environment.
Settings settings_from_environment(Settings defaults = {});

// The strict parsers, shared with the command line's flags; `source` names the variable or flag
// in the error message.
// 1/0, true/false, yes/no, on/off (any case).
bool parse_switch(std::string_view text, std::string_view source);
// Decimal digits only, from `min` to `max`.
uint64_t parse_integer(std::string_view text, std::string_view source, uint64_t max,
                       uint64_t min = 0);
uint32_t parse_device_index(std::string_view text, std::string_view source);
// One of `allowed`, listed in the message otherwise.
std::string parse_choice(std::string_view text, std::string_view source,
                         const std::vector<std::string>& allowed);

}  // namespace aegan
