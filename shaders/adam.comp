#version 460
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

// One Adam step for one parameter, fused: moments and parameter are updated in place. The host
// computes the bias corrections in double: step_size = lr / (1 - b1^t), sqrt_bc2 = sqrt(1 - b2^t).
// The order of operations follows PyTorch's single-tensor Adam.
layout(push_constant, scalar) uniform Push {
  Floats param;
  ConstFloats grad;
  Floats exp_avg;
  Floats exp_avg_sq;
  uint n;
  float beta1;
  float one_minus_beta1;
  float beta2;
  float one_minus_beta2;
  float step_size;
  float sqrt_bc2;
  float eps;
} p;

void main() {
  uint i = flat_index();
  if (i >= p.n) return;
  float g = p.grad.v[i];
  float m = p.beta1 * p.exp_avg.v[i] + p.one_minus_beta1 * g;
  float v = p.beta2 * p.exp_avg_sq.v[i] + p.one_minus_beta2 * (g * g);
  p.exp_avg.v[i] = m;
  p.exp_avg_sq.v[i] = v;
  float denom = sqrt(v) / p.sqrt_bc2 + p.eps;
  p.param.v[i] -= p.step_size * (m / denom);
}
