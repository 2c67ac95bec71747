#include "engine/runtime.hpp"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <string>

namespace aegan {
namespace {

std::unique_ptr<Runtime>& instance() {
  static std::unique_ptr<Runtime> runtime;
  return runtime;
}

}  // namespace

RuntimeOptions runtime_options_from_environment() {
  RuntimeOptions options;
  if (const char* device = std::getenv("AEGAN_VK_DEVICE"); device && *device) {
    const std::string text = device;
    if (text.find_first_not_of("0123456789") != std::string::npos || text.size() > 6) {
      throw Error("AEGAN_VK_DEVICE must be a device index (see `aegan-vk devices`), got '" + text +
                  "'");
    }
    options.device = static_cast<uint32_t>(std::stoul(text));
  }
  if (const char* validation = std::getenv("AEGAN_VK_VALIDATION")) {
    options.validation = std::string(validation) == "1";
  }
  return options;
}

Runtime::Runtime(const RuntimeOptions& options)
    : context_(vk::ContextOptions{options.device, options.validation, options.presentation}),
      device_memory_(context_, vk::MemoryKind::device),
      upload_memory_(context_, vk::MemoryKind::upload),
      readback_memory_(context_, vk::MemoryKind::readback),
      pipelines_(context_),
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
