#include <string>

#include "tests/reference/detail.hpp"
#include "tests/reference/reference.hpp"

namespace aegan::reference {

using detail::require;
using detail::shape_string;

namespace {

struct LinearSizes {
  int64_t batch, in, out;
};

LinearSizes check_linear(const Tensor& x, const Tensor& weight, const char* where) {
  require(x.shape.size() == 2, where, "x must be [N, in], got " + shape_string(x.shape));
  require(weight.shape.size() == 2 && weight.shape[1] == x.shape[1], where,
          "weight must be [out, " + std::to_string(x.shape[1]) + "], got " +
              shape_string(weight.shape));
  return {x.shape[0], x.shape[1], weight.shape[0]};
}

}  // namespace

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  const LinearSizes s = check_linear(x, weight, "linear");
  if (!bias.empty()) detail::require_shape(bias, {s.out}, "linear", "bias");
  Tensor y({s.batch, s.out});
  for (int64_t n = 0; n < s.batch; ++n) {
    for (int64_t o = 0; o < s.out; ++o) {
      double total = bias.empty() ? 0.0 : bias.data[o];
      for (int64_t i = 0; i < s.in; ++i)
        total += x.data[n * s.in + i] * weight.data[o * s.in + i];
      y.data[n * s.out + o] = total;
    }
  }
  return y;
}

// dx = dy W, dW = dy^T x, db = column sums of dy.
LinearGrads linear_backward(const Tensor& x, const Tensor& weight, bool has_bias,
                            const Tensor& grad_y) {
  const LinearSizes s = check_linear(x, weight, "linear_backward");
  detail::require_shape(grad_y, {s.batch, s.out}, "linear_backward", "grad_y");
  LinearGrads grads{Tensor(x.shape), Tensor(weight.shape), has_bias ? Tensor({s.out}) : Tensor()};
  for (int64_t n = 0; n < s.batch; ++n) {
    for (int64_t o = 0; o < s.out; ++o) {
      const double dy = grad_y.data[n * s.out + o];
      for (int64_t i = 0; i < s.in; ++i) {
        grads.x.data[n * s.in + i] += dy * weight.data[o * s.in + i];
        grads.weight.data[o * s.in + i] += dy * x.data[n * s.in + i];
      }
      if (has_bias) grads.bias.data[o] += dy;
    }
  }
  return grads;
}

}  // namespace aegan::reference
