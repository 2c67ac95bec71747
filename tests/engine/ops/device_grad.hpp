#pragma once
// Helpers for op tests: float32-exact random inputs and gradients through autograd.
#include <cstdint>
#include <vector>

#include "engine/ops.hpp"
#include "tests/support/compare.hpp"

namespace aegan::test {

// Uniform in [lo, hi), rounded to float so that the device and the reference see the same input.
inline reference::Tensor random(const Shape& shape, uint64_t seed, double lo = -1.0,
                                double hi = 1.0) {
  const auto t = reference::random_tensor(shape, seed, lo, hi);
  return reference::from_float(t.shape, reference::to_float(t));
}

inline Tensor leaf(const reference::Tensor& t) {
  Tensor x = to_device(t);
  x.set_requires_grad(true);
  return x;
}

// Backpropagates L = sum(y * r), so each leaf's grad is the vector-Jacobian product with r: the
// reference backward of the op given grad_y = r.
inline void backward_with(const Tensor& y, const reference::Tensor& r) {
  ops::sum(ops::mul(y, to_device(r))).backward();
}

inline reference::Tensor scalar(double value) {
  return reference::Tensor({1}, std::vector<double>{value});
}

}  // namespace aegan::test
