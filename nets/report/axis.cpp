#include "nets/report/axis.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace aegan::report {

double Axis::fraction(double value) const {
  const double v = logarithmic ? std::log10(value) : value;
  return (v - lo) / (hi - lo);
}

Axis linear_axis(double lo, double hi, int target_ticks, double padding) {
  if (!(hi > lo)) {
    // A flat series still needs a visible range; centre it.
    const double half = std::max(std::abs(lo) * 0.1, 1.0);
    lo -= half;
    hi += half;
  }
  const double span = hi - lo;
  Axis axis{lo - span * padding, hi + span * padding, false, {}};
  const double raw = (axis.hi - axis.lo) / std::max(target_ticks, 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / magnitude;
  const double step = (f < 1.5 ? 1.0 : f < 3.0 ? 2.0 : f < 7.0 ? 5.0 : 10.0) * magnitude;
  // Integer multiples rather than repeated addition, so labels do not drift (0.30000000000000004).
  for (double k = std::ceil(axis.lo / step); k * step <= axis.hi; ++k)
    axis.ticks.push_back(k * step);
  return axis;
}

Axis log_axis(double lo, double hi, int max_ticks, double padding) {
  const double a = std::log10(lo), b = std::log10(hi);
  const double span = b - a;
  Axis axis{a - span * padding, b + span * padding, true, {}};
  const int first = int(std::ceil(axis.lo)), last = int(std::floor(axis.hi));
  const int stride = std::max(1, (last - first) / std::max(max_ticks, 1) + 1);
  for (int e = first; e <= last; e += stride)
    axis.ticks.push_back(std::pow(10.0, e));
  return axis;
}

Axis value_axis(const std::vector<double>& values, int target_ticks) {
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  if (*lo > 0.0 && *hi / *lo > 100.0) return log_axis(*lo, *hi, target_ticks + 2, 0.04);
  return linear_axis(*lo, *hi, target_ticks, 0.05);
}

std::string tick_label(double value, double span) {
  if (std::abs(value) < span * 1e-9) value = 0.0;
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

}  // namespace aegan::report
