#include <gtest/gtest.h>

#include <filesystem>

#include "engine/runtime.hpp"
#include "shaders.hpp"

namespace aegan::vk {
namespace {

TEST(Pipelines, CacheIsWrittenToDiskAndReadBack) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("aegan-pipeline-cache-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::path path;
  {
    Pipelines pipelines(Runtime::get().context(), dir);
    path = pipelines.cache_path();
    EXPECT_EQ(path.parent_path(), dir);
    const uint32_t spec[] = {64};
    EXPECT_NE(pipelines.get(shaders::pointwise_add, spec), VK_NULL_HANDLE);
    // The same kernel and constants give the same pipeline; other constants another.
    EXPECT_EQ(pipelines.get(shaders::pointwise_add, spec),
              pipelines.get(shaders::pointwise_add, spec));
    const uint32_t other[] = {32};
    EXPECT_NE(pipelines.get(shaders::pointwise_add, other),
              pipelines.get(shaders::pointwise_add, spec));
  }
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_GT(std::filesystem::file_size(path), 0u);
  {
    // A second start reads the file; a corrupt file is ignored rather than fatal.
    Pipelines again(Runtime::get().context(), dir);
    EXPECT_EQ(again.cache_path(), path);
  }
  std::filesystem::resize_file(path, 7);
  { Pipelines corrupt(Runtime::get().context(), dir); }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace aegan::vk
