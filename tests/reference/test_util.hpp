// Shared by the reference tests: gradient checks against central finite differences.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>

#include "tests/reference/reference.hpp"

namespace aegan::reference::testing {

// Double-precision central differences with h = 1e-6 are accurate to ~1e-9 relative on these
// tiny, smooth problems, so 1e-6 separates a correct gradient from a wrong one by a wide margin.
inline constexpr double kGradTol = 1e-6;

// Checks `analytic` = df/dx at x. f is usually L(x) = dot(forward(x), R), whose gradient is the
// backward pass with grad_y = R.
inline void expect_gradient(const Tensor& analytic, const std::function<double(const Tensor&)>& f,
                            const Tensor& x, const std::string& what) {
  ASSERT_EQ(analytic.shape, x.shape) << what;
  const Tensor numeric = numeric_gradient(f, x);
  EXPECT_LE(relative_error(analytic, numeric), kGradTol) << what;
}

// Moves values off the kink at 0 of relu, leaky_relu and |.|, where central differences straddle
// two slopes; 0.05 is far beyond the 1e-6 step.
inline Tensor away_from_zero(Tensor t) {
  for (double& v : t.data) {
    if (std::abs(v) < 0.05) v = v < 0.0 ? v - 0.05 : v + 0.05;
  }
  return t;
}

}  // namespace aegan::reference::testing
