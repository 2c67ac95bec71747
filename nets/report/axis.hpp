#pragma once
#include <string>
#include <vector>

namespace aegan::report {

// A plot axis: the data range it shows and where its labelled ticks go.
struct Axis {
  double lo = 0, hi = 1;  // shown range; log10 of it when logarithmic
  bool logarithmic = false;
  std::vector<double> ticks;  // data values (not log10), inside the range

  // Maps a data value to [0, 1] across the range.
  double fraction(double value) const;
};

// Ticks at round steps (1, 2 or 5 times a power of ten), about `target` of them; padding widens the
// range by that fraction of it on each side so lines do not run along the frame.
Axis linear_axis(double lo, double hi, int target_ticks, double padding);
// Ticks at powers of ten; lo and hi must be positive.
Axis log_axis(double lo, double hi, int max_ticks, double padding);
// Loss curves (values not empty) use a log scale once their positive values span more than two
// decades.
Axis value_axis(const std::vector<double>& values, int target_ticks);

// Short label for a tick: up to 4 significant digits, exact zero for values that are zero up to
// rounding noise relative to the axis span.
std::string tick_label(double value, double span);

}  // namespace aegan::report
