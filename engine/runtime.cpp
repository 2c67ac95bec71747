#include "engine/runtime.hpp"

#include <algorithm>
#include <bit>

namespace aegan {
namespace {

std::unique_ptr<Runtime>& instance() {
  static std::unique_ptr<Runtime> runtime;
  return runtime;
}

}  // namespace

RuntimeOptions runtime_options_from_environment() {
  return RuntimeOptions{settings_from_environment()};
}

Runtime::Runtime(const RuntimeOptions& options)
    : settings_(options.settings),
      context_(vk::ContextOptions{settings_.device, settings_.validation, options.presentation}),
      device_memory_(context_, vk::MemoryKind::device),
      upload_memory_(context_, vk::MemoryKind::upload),
      readback_memory_(context_, vk::MemoryKind::readback),
      pipelines_(context_, settings_.cache_dir),
      stream_(context_, pipelines_, upload_memory_, readback_memory_),
      workgroup_size_(std::bit_floor(std::min({256u, context_.info().max_workgroup_invocations,
                                               context_.info().max_workgroup_size[0]}))) {
  device_memory_.set_reclaim([this] { stream_.finish(); });
}

Runtime::~Runtime() = default;

Runtime& Runtime::init(const RuntimeOptions& options) {
  if (instance()) throw Error("internal error: the Vulkan runtime is already initialised");
  instance().reset(new Runtime(options));
  return *instance();
}

Runtime& Runtime::get() {
  if (!instance()) instance().reset(new Runtime(runtime_options_from_environment()));
  return *instance();
}

bool Runtime::alive() {
  return static_cast<bool>(instance());
}

void Runtime::shutdown() {
  if (instance()) {
    for (const auto& release : instance()->on_shutdown_)
      release();
  }
  instance().reset();
}

}  // namespace aegan
