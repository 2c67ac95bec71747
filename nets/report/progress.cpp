#include "nets/report/progress.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>

namespace aegan::report {

namespace {

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string format_rate(double rate) {
  char text[32];
  std::snprintf(text, sizeof text, rate >= 100 ? "%.0f" : rate >= 10 ? "%.1f" : "%.2f", rate);
  return text;
}

}  // namespace

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--:--";
  const auto whole = static_cast<int64_t>(std::llround(seconds));
  char text[48];
  std::snprintf(text, sizeof text, "%lld:%02d:%02d", static_cast<long long>(whole / 3600),
                int(whole / 60 % 60), int(whole % 60));
  return text;
}

bool stderr_is_terminal() {
  return ::isatty(STDERR_FILENO) == 1;
}

Progress::Progress(std::string label, int64_t total, std::ostream& out, ProgressOptions options)
    : label_(std::move(label)), total_(total), out_(out), options_(std::move(options)) {
  if (!options_.clock) options_.clock = steady_seconds;
  start_ = sample_time_ = options_.clock();
}

Progress::~Progress() {
  // Leaves the cursor on a fresh line when the work stops early (an exception is on its way).
  if (options_.terminal && printed_ && !finished_) out_ << '\n' << std::flush;
}

void Progress::update(int64_t done, const std::string& detail) {
  if (finished_) return;
  const double now = options_.clock();
  const double dt = now - sample_time_;
  if (done < sample_done_) {
    // Counting restarted (e.g. a new epoch reuses the object): the old average means nothing.
    sample_done_ = done;
    sample_time_ = now;
    average_ = weight_ = rate_ = 0;
  } else if (dt > 0) {
    // An exponential average of the rate weighted by elapsed time (so it does not depend on how
    // often update runs), divided by the weight seen so far so that a short first interval does
    // not dominate until the window has filled (the bias correction Adam uses too).
    const double instant = double(done - sample_done_) / dt;
    const double w = 1.0 - std::exp(-dt / options_.rate_window_s);
    average_ += w * (instant - average_);
    weight_ += w * (1.0 - weight_);
    rate_ = average_ / weight_;
    sample_done_ = done;
    sample_time_ = now;
  }
  done_ = done;
  detail_ = detail;
  const double interval = options_.terminal ? options_.redraw_every_s : options_.print_every_s;
  if (!printed_ || now - last_print_ >= interval) {
    last_print_ = now;
    print(false);
  }
}

void Progress::finish(const std::string& detail) {
  if (finished_) return;
  if (!detail.empty()) detail_ = detail;
  finished_ = true;
  elapsed_ = options_.clock() - start_;
  // The final line reports the average over the whole run rather than the recent rate.
  if (elapsed_ > 0) rate_ = double(done_) / elapsed_;
  print(true);
}

std::string Progress::line() const {
  // Built by appending: GCC 12 gives a false -Wrestrict on "literal" + std::string temporaries.
  std::string text = label_;
  text.append(" ").append(std::to_string(done_));
  if (total_ > 0) {
    char percent[32];
    std::snprintf(percent, sizeof percent, " %.1f%%", 100.0 * double(done_) / double(total_));
    text.append("/").append(std::to_string(total_)).append(percent);
  }
  text.append(" ").append(rate_ > 0 ? format_rate(rate_) : "--").append(" it/s");
  if (finished_) {
    text.append(" in ").append(format_duration(elapsed_));
  } else if (total_ > 0) {
    const double eta = rate_ > 0 ? double(total_ - done_) / rate_ : -1.0;
    text.append(" ETA ").append(format_duration(eta));
  }
  if (!detail_.empty()) text.append(" | ").append(detail_);
  return text;
}

void Progress::print(bool final) {
  std::string text = line();
  if (options_.terminal) {
    // Spaces cover what a longer previous line left on screen.
    const size_t width = text.size();
    if (width < drawn_width_) text.append(drawn_width_ - width, ' ');
    out_ << '\r' << text;
    drawn_width_ = width;
    if (final) out_ << '\n';
  } else {
    out_ << text << '\n';
  }
  out_ << std::flush;
  printed_ = true;
}

}  // namespace aegan::report
