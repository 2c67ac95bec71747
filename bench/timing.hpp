#pragma once
#include <functional>

namespace aegan::bench {

struct Repetitions {
  // Wall time one timed measurement aims at: long enough to average out submission overhead and
  // timer noise, short enough to sweep a whole network.
  double target_seconds = 0.3;
  int max = 10000;
  // Exactly this many repetitions, without calibration (tests, --quick); 0 = adaptive.
  int fixed = 0;
};

struct Timing {
  int repetitions = 0;
  double seconds = 0;  // wall time per repetition
};

// Wall time of `record_one` (which records work on the runtime's stream): one warm-up run
// (pipeline creation, first allocation of every buffer), one calibration run, then the chosen
// number of repetitions recorded back to back and finished together.
Timing time_repetitions(const std::function<void()>& record_one, const Repetitions& repetitions);

}  // namespace aegan::bench
