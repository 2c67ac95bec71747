#pragma once
// Moving tensors between the engine and the double-precision CPU references, and comparing them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/tensor.hpp"
#include "tests/reference/reference.hpp"

namespace aegan::test {

inline Tensor to_device(const reference::Tensor& t) {
  std::vector<float> values(t.data.begin(), t.data.end());
  return Tensor::from_host(t.shape, values);
}

inline reference::Tensor to_reference(const Tensor& t) {
  reference::Tensor r;
  r.shape = t.shape();
  const auto values = t.to_host();
  r.data.assign(values.begin(), values.end());
  return r;
}

// Norm-wise relative error: max |got - want| / max |want| (floored at 1e-12), the float32
// acceptance test for every op (tolerance 1e-4 unless a test says why otherwise).
inline testing::AssertionResult close(const Tensor& got, const reference::Tensor& want,
                                      double tolerance = 1e-4) {
  if (got.shape() != want.shape) {
    return testing::AssertionFailure()
           << "shape " << to_string(got.shape()) << " != expected " << to_string(want.shape);
  }
  const auto values = got.to_host();
  double worst = 0.0, scale = 1e-12;
  size_t worst_index = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      return testing::AssertionFailure() << "non-finite value at index " << i;
    }
    scale = std::max(scale, std::abs(want.data[i]));
    const double diff = std::abs(static_cast<double>(values[i]) - want.data[i]);
    if (diff > worst) {
      worst = diff;
      worst_index = i;
    }
  }
  const double relative = worst / scale;
  if (relative <= tolerance) return testing::AssertionSuccess();
  return testing::AssertionFailure()
         << "relative error " << relative << " > " << tolerance << " (index " << worst_index
         << ": got " << values[worst_index] << ", want " << want.data[worst_index] << ")";
}

// Close to `want` or to `alternative`, a result the op may equally give (another kernel's
// precision); a failure is reported against `want`.
inline testing::AssertionResult close_to_either(const Tensor& got, const reference::Tensor& want,
                                                const reference::Tensor& alternative,
                                                double tolerance = 1e-4) {
  testing::AssertionResult first = close(got, want, tolerance);
  if (first || close(got, alternative, tolerance)) return testing::AssertionSuccess();
  return first;
}

// Largest |got - want| over elements: for values compared absolutely, where parameters near
// zero make relative errors meaningless (optimiser updates).
inline double max_abs_error(const Tensor& got, const reference::Tensor& want) {
  const auto values = got.to_host();
  double worst = 0.0;
  for (size_t i = 0; i < values.size(); ++i)
    worst = std::max(worst, std::abs(static_cast<double>(values[i]) - want.data[i]));
  return worst;
}

// |got - want| / |want| of one value (0 where both are 0).
inline double relative_error(float got, double want) {
  const double diff = std::abs(static_cast<double>(got) - want);
  return want == 0.0 ? diff : diff / std::abs(want);
}

// Inputs of both signs from 1e-7 to 4, 60 per decade, and 0: where tanh is checked value by
// value against kTanhRelativeError (5 ulp of float32).
inline std::vector<double> tanh_inputs() {
  std::vector<double> x{0.0};
  for (int k = 0; k <= 60 * 7 + 36; ++k) {
    const double v = std::pow(10.0, -7.0 + k / 60.0);
    x.push_back(v);
    x.push_back(-v);
  }
  return x;
}
inline constexpr double kTanhRelativeError = 3e-7;

}  // namespace aegan::test
