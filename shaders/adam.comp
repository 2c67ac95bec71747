#version 460
// aegan-variants: step
// aegan-texel-variants: step
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

// One Adam step for one parameter, fused: moments and parameter are updated in place. The host
// computes the bias corrections in double: step_size = lr / (1 - b1^t), sqrt_bc2 = sqrt(1 - b2^t).
// The order of operations follows PyTorch's single-tensor Adam.
// The texel twin reads the parameter and moments through texel views (each invocation reads its
// own element before writing it, so no invocation reads what another wrote) and writes them
// through the pointers.
layout(push_constant, scalar) uniform Push {
  Floats param;
  Floats exp_avg;
  Floats exp_avg_sq;
  ConstFloats grad;  // read as texels1 in the twin
  ConstFloats param_in;  // the same memory as param, exp_avg and exp_avg_sq: texels0, 2, 3
  ConstFloats exp_avg_in;
  ConstFloats exp_avg_sq_in;
  uint n;
  float beta1;
  float one_minus_beta1;
  float beta2;
  float one_minus_beta2;
  float step_size;
  float sqrt_bc2;
  float eps;
} p;

// With QUADS (n a multiple of 4, every tensor 16-byte aligned) an invocation updates four
// elements with vector loads and stores; the arithmetic is the same per element.
layout(constant_id = 1) const bool QUADS = false;

void main() {
  uint i = flat_index();
  if (QUADS) {
    if (i >= p.n / 4) return;
    vec4 g = READ4(1, ConstVec4s(p.grad), i);
    vec4 m = p.beta1 * READ4(2, ConstVec4s(p.exp_avg_in), i) + p.one_minus_beta1 * g;
    vec4 v = p.beta2 * READ4(3, ConstVec4s(p.exp_avg_sq_in), i) + p.one_minus_beta2 * (g * g);
    Vec4s(p.exp_avg).v[i] = m;
    Vec4s(p.exp_avg_sq).v[i] = v;
    vec4 denom = sqrt(v) / p.sqrt_bc2 + p.eps;
    Vec4s(p.param).v[i] = READ4(0, ConstVec4s(p.param_in), i) - p.step_size * (m / denom);
    return;
  }
  if (i >= p.n) return;
  float g = READ(1, p.grad, i);
  float m = p.beta1 * READ(2, p.exp_avg_in, i) + p.one_minus_beta1 * g;
  float v = p.beta2 * READ(3, p.exp_avg_sq_in, i) + p.one_minus_beta2 * (g * g);
  p.exp_avg.v[i] = m;
  p.exp_avg_sq.v[i] = v;
  float denom = sqrt(v) / p.sqrt_bc2 + p.eps;
  p.param.v[i] = READ(0, p.param_in, i) - p.step_size * (m / denom);
}
