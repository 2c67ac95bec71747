#pragma once
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

namespace aegan::report {

struct ProgressOptions {
  // On a terminal one line is rewritten in place; otherwise (a log file, a pipe) whole lines are
  // printed, at most one per print_every_s, so logs stay readable.
  bool terminal = false;
  double print_every_s = 10.0;
  // Terminal redraws are limited too: a loop over many small items would otherwise spend its
  // time writing to the terminal.
  double redraw_every_s = 0.1;
  // Seconds on any monotonic scale; empty means std::chrono::steady_clock. Tests inject a fake.
  std::function<double()> clock;
  // Time constant of the moving average of the rate: long enough to smooth step-to-step jitter,
  // short enough to follow a change of stage.
  double rate_window_s = 20.0;
};

// A progress line for long work: "label done/total percent rate ETA | detail".
class Progress {
 public:
  Progress(std::string label, int64_t total, std::ostream& out, ProgressOptions options = {});
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // done counts items finished so far (not an increment); detail is free text such as losses.
  void update(int64_t done, const std::string& detail = {});
  // Prints the final state with the elapsed time and ends the line; later updates are ignored.
  void finish(const std::string& detail = {});

  // Items per second, averaged over wall-clock time; 0 until two distinct times were seen.
  double rate() const { return rate_; }
  std::string line() const;

 private:
  void print(bool final);

  std::string label_;
  int64_t total_;
  std::ostream& out_;
  ProgressOptions options_;
  double start_ = 0;
  double sample_time_ = 0;  // last time the rate was updated, with sample_done_ items done
  int64_t sample_done_ = 0;
  double last_print_ = 0;
  bool printed_ = false;
  bool finished_ = false;
  double elapsed_ = 0;      // from construction to finish()
  size_t drawn_width_ = 0;  // terminal: characters of the line now on screen
  int64_t done_ = 0;
  double average_ = 0;  // exponential average of the rate, before bias correction
  double weight_ = 0;   // total weight of that average: 1 - exp(-time / rate_window_s)
  double rate_ = 0;
  std::string detail_;
};

// "h:mm:ss"; "--:--:--" for a negative or non-finite duration (unknown ETA).
std::string format_duration(double seconds);

// Whether standard error is a terminal (pass to ProgressOptions::terminal when writing to it).
bool stderr_is_terminal();

}  // namespace aegan::report
