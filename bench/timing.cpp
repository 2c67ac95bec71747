#include "bench/timing.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "engine/runtime.hpp"

namespace aegan::bench {
namespace {

double run(const std::function<void()>& record_one, int repetitions) {
  vk::Stream& stream = Runtime::get().stream();
  stream.finish();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repetitions; ++i)
    record_one();
  stream.finish();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

Timing time_repetitions(const std::function<void()>& record_one, const Repetitions& repetitions) {
  run(record_one, 1);
  int count = repetitions.fixed;
  if (count <= 0) {
    const double once = run(record_one, 1);
    if (once >= repetitions.target_seconds) return {1, once};
    const double wanted = std::ceil(repetitions.target_seconds / std::max(once, 1e-7));
    count = static_cast<int>(std::clamp(wanted, 1.0, static_cast<double>(repetitions.max)));
  }
  return {count, run(record_one, count) / count};
}

}  // namespace aegan::bench
