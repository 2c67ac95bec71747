#pragma once
#include <cstdint>
#include <functional>

namespace aegan::eval {

// Calls body(i) for i in [0, count) on all hardware threads. Bodies must write only their own
// outputs; callers combine those in index order, so results never depend on the thread count.
// The first exception thrown by a body is rethrown after every thread has stopped.
void parallel_for(int64_t count, const std::function<void(int64_t)>& body);

}  // namespace aegan::eval
