#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "engine/runtime.hpp"

namespace {

// Fails the running test when the Vulkan validation layer reported an error during it.
class ValidationListener : public testing::EmptyTestEventListener {
  void OnTestStart(const testing::TestInfo&) override { seen_ = errors(); }
  void OnTestEnd(const testing::TestInfo&) override {
    if (!aegan::Runtime::alive()) return;
    aegan::Runtime::get().stream().finish();
    const auto messages = aegan::Runtime::get().context().validation_messages();
    for (size_t i = seen_; i < messages.size(); ++i) {
      ADD_FAILURE() << "Vulkan validation error: " << messages[i];
    }
  }
  static size_t errors() {
    return aegan::Runtime::alive() ? aegan::Runtime::get().context().validation_error_count() : 0;
  }
  size_t seen_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  // Test discovery at build time only lists names; it must not print anything else.
  if (testing::GTEST_FLAG(list_tests)) return RUN_ALL_TESTS();
  aegan::RuntimeOptions options;
  try {
    // Validation is on unless AEGAN_VK_VALIDATION=0: tests are where its reports matter most.
    aegan::Settings defaults;
    defaults.validation = true;
    options.settings = aegan::settings_from_environment(defaults);
    aegan::Runtime& runtime = aegan::Runtime::init(options);
    std::printf(
        "device: %s (subgroup size %u), validation layer %s\n", runtime.device().name.c_str(),
        runtime.device().subgroup_size,
        runtime.context().validation_enabled()
            ? "on"
            : (runtime.settings().validation ? "not installed: running without it" : "off"));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "cannot start the Vulkan runtime: %s\n", error.what());
    return 1;
  }
  testing::UnitTest::GetInstance()->listeners().Append(new ValidationListener);
  const int result = RUN_ALL_TESTS();
  aegan::Runtime::shutdown();
  return result;
}
