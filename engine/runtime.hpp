#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "engine/error.hpp"
#include "engine/settings.hpp"
#include "engine/vk/context.hpp"
#include "engine/vk/memory.hpp"
#include "engine/vk/pipelines.hpp"
#include "engine/vk/stream.hpp"

namespace aegan {

struct RuntimeOptions {
  // The device, validation and the rest of engine's settings: those of the environment, with a
  // program's own options applied over them.
  Settings settings;
  std::optional<vk::PresentationOptions> presentation;  // set by the viewer only
};

// The environment's settings (engine/settings.hpp), for programs without their own options.
RuntimeOptions runtime_options_from_environment();

// The engine's one device and everything on it: tensors, ops and optimisers reach it through
// Runtime::get(). Created on first use (from the environment) or explicitly with init().
class Runtime {
 public:
  static Runtime& init(const RuntimeOptions& options);
  static Runtime& get();
  static bool alive();
  static void shutdown();

  // What the engine's parts read their settings from (kernel choices, caches, profiling).
  const Settings& settings() const { return settings_; }
  vk::Context& context() { return context_; }
  const vk::DeviceInfo& device() const { return context_.info(); }
  vk::MemoryPool& memory() { return device_memory_; }
  vk::Pipelines& pipelines() { return pipelines_; }
  vk::Stream& stream() { return stream_; }
  // Invocations per workgroup of one-dimensional kernels: a power of two (tree reductions need
  // one) within the device's limits.
  uint32_t workgroup_size() const { return workgroup_size_; }
  // Runs `release` at shutdown() while the device still works: caches of tensors empty
  // themselves here.
  void on_shutdown(std::function<void()> release) { on_shutdown_.push_back(std::move(release)); }

  ~Runtime();

 private:
  explicit Runtime(const RuntimeOptions& options);

  Settings settings_;
  vk::Context context_;
  vk::MemoryPool device_memory_;
  vk::MemoryPool upload_memory_;
  vk::MemoryPool readback_memory_;
  vk::Pipelines pipelines_;
  vk::Stream stream_;
  uint32_t workgroup_size_;
  std::vector<std::function<void()>> on_shutdown_;
};

}  // namespace aegan
