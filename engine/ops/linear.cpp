#include <string>

#include "engine/ops.hpp"

namespace aegan::ops {

// y[n, o] = sum over i of x[n, i] * weight[o, i] is the 1x1 convolution of the [N, in, 1, 1]
// view, so linear has every convolution kernel and its backward; the reshapes share memory and
// route the gradients back to the 2-D shapes.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  if (!x.defined() || x.rank() != 2 || x.numel() == 0) {
    throw Error("linear: input must be a non-empty [N, in] tensor, got " +
                (x.defined() ? to_string(x.shape()) : std::string("none")));
  }
  const int64_t batch = x.dim(0), in = x.dim(1);
  if (!weight.defined() || weight.rank() != 2 || weight.dim(1) != in || weight.numel() == 0) {
    throw Error("linear: weight must be [out, " + std::to_string(in) + "] for input " +
                to_string(x.shape()) + ", got " +
                (weight.defined() ? to_string(weight.shape()) : std::string("none")));
  }
  const int64_t out = weight.dim(0);
  if (bias.defined() && bias.shape() != Shape{out}) {
    throw Error("linear: bias " + to_string(bias.shape()) + " does not match weight " +
                to_string(weight.shape()));
  }
  const Tensor y = conv2d(x.reshape({batch, in, 1, 1}), weight.reshape({out, in, 1, 1}), bias, {});
  return y.reshape({batch, out});
}

}  // namespace aegan::ops
