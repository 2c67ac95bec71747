#include "viewer/core/stage_clock.hpp"

#include "engine/error.hpp"
#include "engine/runtime.hpp"
#include "engine/vk/check.hpp"

namespace aegan::viewer {

StageClock::StageClock(uint32_t stages, uint32_t slots)
    : stages_(stages), slots_(slots), written_(slots, false), host_ms_(slots) {
  if (stages == 0 || stages > kMaxStages) throw Error("internal error: bad stage count");
  Runtime& runtime = Runtime::get();
  if (!runtime.device().timestamps || runtime.device().timestamp_period_ns <= 0) return;
  VkQueryPoolCreateInfo info{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
  info.queryType = VK_QUERY_TYPE_TIMESTAMP;
  info.queryCount = (stages + 3) * slots;
  VK_CHECK(vkCreateQueryPool(runtime.context().device(), &info, nullptr, &pool_));
}

StageClock::~StageClock() {
  if (pool_) vkDestroyQueryPool(Runtime::get().context().device(), pool_, nullptr);
}

void StageClock::begin(uint32_t slot) {
  slot_ = slot % slots_;
  if (!gpu()) {
    Runtime::get().stream().finish();
    host_ms_[slot_].clear();
    last_ = std::chrono::steady_clock::now();
    return;
  }
  const uint32_t first = slot_ * queries_per_slot();
  Runtime::get().stream().record({}, [&](VkCommandBuffer commands) {
    vkCmdResetQueryPool(commands, pool_, first, queries_per_slot());
    vkCmdWriteTimestamp(commands, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, pool_, first);
  });
  written_[slot_] = true;
}

void StageClock::mark(uint32_t stage) {
  if (!gpu()) {
    Runtime::get().stream().finish();
    const auto now = std::chrono::steady_clock::now();
    host_ms_[slot_].push_back(std::chrono::duration<double, std::milli>(now - last_).count());
    last_ = now;
    return;
  }
  const uint32_t query = slot_ * queries_per_slot() + stage + 1;
  Runtime::get().stream().record({}, [&](VkCommandBuffer commands) {
    vkCmdWriteTimestamp(commands, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, pool_, query);
  });
}

bool StageClock::read_ticks(uint32_t first, uint32_t count, uint64_t* ticks) {
  const VkResult result = vkGetQueryPoolResults(Runtime::get().context().device(), pool_, first,
                                                count, sizeof(uint64_t) * count, ticks,
                                                sizeof(uint64_t), VK_QUERY_RESULT_64_BIT);
  if (result == VK_NOT_READY) return false;
  VK_CHECK(result);
  return true;
}

bool StageClock::read(uint32_t slot, std::vector<double>& ms) {
  slot %= slots_;
  if (!gpu()) {
    if (host_ms_[slot].size() != stages_) return false;
    ms = host_ms_[slot];
    return true;
  }
  if (!written_[slot]) return false;
  std::array<uint64_t, kMaxStages + 1> ticks{};
  if (!read_ticks(slot * queries_per_slot(), stages_ + 1, ticks.data())) return false;
  const double period_ms = Runtime::get().device().timestamp_period_ns * 1e-6;
  ms.resize(stages_);
  for (uint32_t i = 0; i < stages_; ++i)
    ms[i] = static_cast<double>(ticks[i + 1] - ticks[i]) * period_ms;
  return true;
}

void StageClock::mark_outside(VkCommandBuffer commands, uint32_t slot, bool end) {
  if (!gpu()) return;
  const uint32_t query = (slot % slots_) * queries_per_slot() + stages_ + 1 + (end ? 1 : 0);
  vkCmdWriteTimestamp(
      commands, end ? VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT : VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT,
      pool_, query);
}

bool StageClock::read_outside(uint32_t slot, double& ms) {
  slot %= slots_;
  if (!gpu() || !written_[slot]) return false;
  std::array<uint64_t, 2> ticks{};
  if (!read_ticks(slot * queries_per_slot() + stages_ + 1, 2, ticks.data())) return false;
  ms =
      static_cast<double>(ticks[1] - ticks[0]) * Runtime::get().device().timestamp_period_ns * 1e-6;
  return true;
}

}  // namespace aegan::viewer
