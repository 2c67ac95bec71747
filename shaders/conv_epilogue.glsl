// The inference epilogue of the data kernels (engine/ops/conv.cpp, conv2d_inference): the
// activation applied to each output as it is stored, with the codes of activation.h (leaky ReLU
// with slope SLOPE). Constants 1 and 2 in every kernel that has the epilogue.
#include "activation.h"
#include "tanh.glsl"

layout(constant_id = 1) const uint ACT = AEGAN_ACTIVATION_NONE;
layout(constant_id = 2) const float SLOPE = 0.0;

float activate(float v) {
  if (ACT == AEGAN_ACTIVATION_RELU) return max(v, 0.0);
  if (ACT == AEGAN_ACTIVATION_LEAKY_RELU) return v > 0.0 ? v : v * SLOPE;
  if (ACT == AEGAN_ACTIVATION_TANH) return tanh_accurate(v);
  return v;
}
