// The AEGAN_VK_* settings read from a made-up environment: defaults where unset or empty, every
// well-formed spelling accepted, and a malformed value of every variable a one-line error naming
// the variable and the value.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "engine/error.hpp"
#include "engine/ops/conv_kernels.hpp"
#include "engine/settings.hpp"

namespace aegan {
namespace {

using Environment = std::map<std::string, std::string>;

Settings read(const Environment& environment, Settings defaults = {}) {
  return read_settings(
      [&](const char* name) {
        const auto found = environment.find(name);
        return found == environment.end() ? nullptr : found->second.c_str();
      },
      std::move(defaults));
}

// The message of the error that reading `environment` throws ("" where it throws none).
std::string error_of(const Environment& environment) {
  try {
    read(environment);
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

TEST(Settings, DefaultsWhereUnset) {
  const Settings s = read({{"HOME", "/home/u"}});
  EXPECT_FALSE(s.device.has_value());
  EXPECT_FALSE(s.validation);
  EXPECT_TRUE(s.fp16);
  EXPECT_EQ(s.cache_dir.string(), "/home/u/.cache/aegan-vk");
  EXPECT_EQ(s.pack_cache_mib, 256u);
  EXPECT_FALSE(s.conv_tune);
  EXPECT_FALSE(s.profile);
  EXPECT_TRUE(s.texel_reads);
  EXPECT_EQ(s.conv_variant, "");
  EXPECT_FALSE(s.separate_present);
  EXPECT_EQ(s.rank_timeout_s, 120u);
}

TEST(Settings, EmptyValuesCountAsUnset) {
  Environment environment{{"HOME", "/home/u"}};
  for (const SettingVariable& variable : setting_variables())
    environment[variable.name] = "";
  Settings defaults;
  defaults.validation = true;
  const Settings s = read(environment, defaults);
  EXPECT_FALSE(s.device.has_value());
  EXPECT_TRUE(s.validation);
  EXPECT_TRUE(s.fp16);
  EXPECT_EQ(s.cache_dir.string(), "/home/u/.cache/aegan-vk");
  EXPECT_EQ(s.pack_cache_mib, 256u);
  EXPECT_TRUE(s.texel_reads);
  EXPECT_EQ(s.conv_variant, "");
  EXPECT_EQ(s.rank_timeout_s, 120u);
}

TEST(Settings, ProgramDefaultsGiveWayToTheEnvironment) {
  Settings defaults;
  defaults.validation = true;
  EXPECT_TRUE(read({}, defaults).validation);
  EXPECT_FALSE(read({{"AEGAN_VK_VALIDATION", "0"}}, defaults).validation);
}

TEST(Settings, WellFormedValues) {
  const std::string variant = ops::conv::variant_names().front();
  const Settings s = read({{"AEGAN_VK_DEVICE", "3"},
                           {"AEGAN_VK_VALIDATION", "1"},
                           {"AEGAN_VK_FP16", "off"},
                           {"AEGAN_VK_CACHE_DIR", "/tmp/c"},
                           {"AEGAN_VK_PACK_CACHE_MIB", "0"},
                           {"AEGAN_VK_CONV_TUNE", "yes"},
                           {"AEGAN_VK_PROFILE", "TRUE"},
                           {"AEGAN_VK_TEXEL_READS", "0"},
                           {"AEGAN_VK_CONV_VARIANT", variant},
                           {"AEGAN_VK_SEPARATE_PRESENT", "On"},
                           {"AEGAN_VK_RANK_TIMEOUT", "20"}});
  EXPECT_EQ(s.device, 3u);
  EXPECT_TRUE(s.validation);
  EXPECT_FALSE(s.fp16);
  EXPECT_EQ(s.cache_dir.string(), "/tmp/c");
  EXPECT_EQ(s.pack_cache_mib, 0u);
  EXPECT_TRUE(s.conv_tune);
  EXPECT_TRUE(s.profile);
  EXPECT_FALSE(s.texel_reads);
  EXPECT_EQ(s.conv_variant, variant);
  EXPECT_TRUE(s.separate_present);
  EXPECT_EQ(s.rank_timeout_s, 20u);
}

TEST(Settings, EverySwitchSpelling) {
  for (const char* on : {"1", "true", "yes", "on", "True", "YES", "oN"}) {
    EXPECT_TRUE(read({{"AEGAN_VK_PROFILE", on}}).profile) << on;
  }
  for (const char* off : {"0", "false", "no", "off", "False", "NO", "Off"}) {
    EXPECT_FALSE(read({{"AEGAN_VK_TEXEL_READS", off}}).texel_reads) << off;
  }
}

TEST(Settings, IntegerLimits) {
  EXPECT_EQ(read({{"AEGAN_VK_DEVICE", "4294967295"}}).device, 4294967295u);
  EXPECT_EQ(read({{"AEGAN_VK_PACK_CACHE_MIB", std::to_string(Settings::kMaxPackCacheMib)}})
                .pack_cache_mib,
            Settings::kMaxPackCacheMib);
  EXPECT_EQ(read({{"AEGAN_VK_PACK_CACHE_MIB", "0512"}}).pack_cache_mib, 512u);
  EXPECT_EQ(read({{"AEGAN_VK_RANK_TIMEOUT", "1"}}).rank_timeout_s, 1u);
  EXPECT_EQ(read({{"AEGAN_VK_RANK_TIMEOUT", "86400"}}).rank_timeout_s, 86400u);
}

TEST(Settings, TableListsEachVariableOnce) {
  std::set<std::string> names;
  for (const SettingVariable& variable : setting_variables()) {
    EXPECT_TRUE(std::string_view(variable.name).starts_with("AEGAN_VK_")) << variable.name;
    EXPECT_TRUE(names.insert(variable.name).second) << variable.name << " is listed twice";
    EXPECT_NE(std::string_view(variable.meaning), "") << variable.name;
    EXPECT_EQ(std::string_view(variable.meaning).find('\n'), std::string_view::npos)
        << variable.name;
  }
  // read_settings asks for the table's variables, each once, and for no other of ours.
  std::multiset<std::string> asked;
  read_settings([&](const char* name) -> const char* {
    if (std::string_view(name).starts_with("AEGAN_VK_")) asked.insert(name);
    return nullptr;
  });
  EXPECT_EQ(asked, std::multiset<std::string>(names.begin(), names.end()));
}

// A malformed value of each variable and the whole message it gives. AEGAN_VK_CACHE_DIR is not
// here: any non-empty text is a path.
const std::map<std::string, std::pair<std::string, std::string>>& malformed_cases() {
  const std::string switch_error = " must be 1 or 0 (or true/false, yes/no, on/off), got 'maybe'";
  static const std::map<std::string, std::pair<std::string, std::string>> cases = {
      {"AEGAN_VK_DEVICE",
       {"1x",
        "AEGAN_VK_DEVICE must be a non-negative integer device index, got '1x' (see `aegan-vk "
        "devices`)"}},
      {"AEGAN_VK_VALIDATION", {"maybe", "AEGAN_VK_VALIDATION" + switch_error}},
      {"AEGAN_VK_FP16", {"maybe", "AEGAN_VK_FP16" + switch_error}},
      {"AEGAN_VK_PACK_CACHE_MIB",
       {"256M", "AEGAN_VK_PACK_CACHE_MIB must be an integer from 0 to 1048576, got '256M'"}},
      {"AEGAN_VK_CONV_TUNE", {"maybe", "AEGAN_VK_CONV_TUNE" + switch_error}},
      {"AEGAN_VK_RANK_TIMEOUT",
       {"0", "AEGAN_VK_RANK_TIMEOUT must be an integer from 1 to 86400, got '0'"}},
      {"AEGAN_VK_PROFILE", {"maybe", "AEGAN_VK_PROFILE" + switch_error}},
      {"AEGAN_VK_TEXEL_READS", {"maybe", "AEGAN_VK_TEXEL_READS" + switch_error}},
      {"AEGAN_VK_CONV_VARIANT", {"fastest", ""}},  // the message lists the variants; see below
      {"AEGAN_VK_SEPARATE_PRESENT", {"maybe", "AEGAN_VK_SEPARATE_PRESENT" + switch_error}},
  };
  return cases;
}

TEST(Settings, MalformedValueOfEveryVariable) {
  for (const SettingVariable& variable : setting_variables()) {
    if (std::string_view(variable.name) == "AEGAN_VK_CACHE_DIR") {
      EXPECT_EQ(read({{variable.name, "any text"}}).cache_dir.string(), "any text");
      continue;
    }
    const auto found = malformed_cases().find(variable.name);
    ASSERT_NE(found, malformed_cases().end()) << "no malformed case for " << variable.name;
    const auto& [bad, message] = found->second;
    const std::string error = error_of({{variable.name, bad}});
    EXPECT_TRUE(error.starts_with(std::string(variable.name) + " must be ")) << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    if (!message.empty()) {
      EXPECT_EQ(error, message);
    }
  }
}

TEST(Settings, MalformedRankTimeout) {
  for (const char* bad : {"0", "86401", "1.5", "-1", "20s", "99999999999999999999"}) {
    EXPECT_EQ(
        error_of({{"AEGAN_VK_RANK_TIMEOUT", bad}}),
        std::string("AEGAN_VK_RANK_TIMEOUT must be an integer from 1 to 86400, got '") + bad + "'");
  }
}

TEST(Settings, CacheDirFallsBackToXdgThenHome) {
  EXPECT_EQ(read({{"XDG_CACHE_HOME", "/x"}, {"HOME", "/h"}}).cache_dir.string(), "/x/aegan-vk");
  EXPECT_EQ(read({{"XDG_CACHE_HOME", ""}, {"HOME", "/h"}}).cache_dir.string(),
            "/h/.cache/aegan-vk");
  EXPECT_EQ(read({{"AEGAN_VK_CACHE_DIR", "rel"}, {"XDG_CACHE_HOME", "/x"}}).cache_dir.string(),
            "rel");
  EXPECT_FALSE(read({}).cache_dir.empty());
}

constexpr const char* kSwitch = " must be 1 or 0 (or true/false, yes/no, on/off), got '";

TEST(Settings, MalformedSwitches) {
  for (const char* name :
       {"AEGAN_VK_VALIDATION", "AEGAN_VK_FP16", "AEGAN_VK_CONV_TUNE", "AEGAN_VK_PROFILE",
        "AEGAN_VK_TEXEL_READS", "AEGAN_VK_SEPARATE_PRESENT"}) {
    for (const char* bad : {"2", "maybe", " 1", "1 ", "of", "-1"}) {
      EXPECT_EQ(error_of({{name, bad}}), std::string(name) + kSwitch + bad + "'");
    }
  }
}

TEST(Settings, MalformedDevice) {
  for (const char* bad :
       {"x", "1x", "-1", "+1", " 1", "1.0", "4294967296", "99999999999999999999"}) {
    EXPECT_EQ(error_of({{"AEGAN_VK_DEVICE", bad}}),
              std::string("AEGAN_VK_DEVICE must be a non-negative integer device index, got '") +
                  bad + "' (see `aegan-vk devices`)");
  }
}

TEST(Settings, MalformedPackCacheSize) {
  for (const char* bad : {"lots", "256M", "-1", "1e3", "1048577", "18446744073709551616"}) {
    EXPECT_EQ(error_of({{"AEGAN_VK_PACK_CACHE_MIB", bad}}),
              std::string("AEGAN_VK_PACK_CACHE_MIB must be an integer from 0 to 1048576, got '") +
                  bad + "'");
  }
}

TEST(Settings, MalformedConvVariantListsTheVariants) {
  std::string list;
  for (const auto& name : ops::conv::variant_names())
    list += (list.empty() ? "" : ", ") + name;
  EXPECT_EQ(error_of({{"AEGAN_VK_CONV_VARIANT", "fastest"}}),
            "AEGAN_VK_CONV_VARIANT must be one of " + list + ", got 'fastest'");
}

TEST(Settings, ParsersNameTheirSource) {
  EXPECT_THROW(parse_switch("", "--x"), Error);
  EXPECT_EQ(parse_integer("7", "--n", 7), 7u);
  try {
    parse_integer("8", "--n", 7);
    FAIL() << "8 is above the limit";
  } catch (const Error& error) {
    EXPECT_STREQ(error.what(), "--n must be an integer from 0 to 7, got '8'");
  }
}

}  // namespace
}  // namespace aegan
