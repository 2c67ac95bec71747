#include "engine/profile.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "engine/runtime.hpp"

namespace aegan {
namespace {

struct KernelTime {
  double seconds = 0;
  uint64_t calls = 0;
};

class Table {
 public:
  ~Table() {
    if (times_.empty()) return;
    std::vector<std::pair<std::string, KernelTime>> rows(times_.begin(), times_.end());
    std::sort(rows.begin(), rows.end(),
              [](const auto& a, const auto& b) { return a.second.seconds > b.second.seconds; });
    double total = 0;
    for (const auto& row : rows)
      total += row.second.seconds;
    std::fprintf(stderr, "AEGAN_VK_PROFILE: %.1f ms in kernels\n%-28s %10s %8s %6s\n", total * 1e3,
                 "kernel", "ms", "calls", "share");
    for (const auto& [name, time] : rows) {
      std::fprintf(stderr, "%-28s %10.1f %8llu %5.1f%%\n", name.c_str(), time.seconds * 1e3,
                   static_cast<unsigned long long>(time.calls), 100 * time.seconds / total);
    }
  }
  std::map<std::string, KernelTime> times_;
};

}  // namespace

KernelProfile* KernelProfile::active() {
  static const bool on = Runtime::get().settings().profile;
  static KernelProfile profile;
  return on ? &profile : nullptr;
}

void KernelProfile::add(const vk::ShaderCode& kernel, std::chrono::steady_clock::duration elapsed) {
  static Table table;
  KernelTime& time = table.times_[kernel.name];
  time.seconds += std::chrono::duration<double>(elapsed).count();
  ++time.calls;
}

}  // namespace aegan
