#pragma once
#include "engine/tensor.hpp"

namespace aegan::ops {

// Not recorded: building blocks for ops' forward and backward passes.
Tensor sum_all(const Tensor& x);                                             // [1]
Tensor sum_per_channel(const Tensor& x);                                     // x [N,C,H,W] -> [C]
Tensor broadcast_scalar(const Tensor& s, const Shape& shape, float factor);  // s[0]*factor

}  // namespace aegan::ops
