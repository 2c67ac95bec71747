#version 460
// aegan-variants: step step_many
// aegan-texel-variants: step
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_buffer_reference_uvec2 : require
#include "common.glsl"

// One Adam step for one parameter, fused: moments and parameter are updated in place. The host
// computes the bias corrections in double: step_size = lr / (1 - b1^t), sqrt_bc2 = sqrt(1 - b2^t).
// The order of operations follows PyTorch's single-tensor Adam.
// The texel twin reads the parameter and moments through texel views (each invocation reads its
// own element before writing it, so no invocation reads what another wrote) and writes them
// through the pointers.
// The update of one element from its gradient and old values; the moments are returned in m, v.
float updated(float param, float g, inout float m, inout float v, float step_size, float sqrt_bc2);

// A gated step reads a flag word (set by finite.comp when a loss of the training step is not
// finite) and then leaves everything as it is; a step without one passes a null address.
layout(buffer_reference, scalar, buffer_reference_align = 4) readonly buffer Flag {
  uint v[];
};
bool skipped(Flag flag) {
  return uvec2(flag) != uvec2(0) && flag.v[0] != 0u;
}

#if defined(VARIANT_STEP_MANY)
// Many small parameters in one dispatch (lavapipe spends 30 to 40 us on any dispatch, however
// small): each workgroup updates one parameter of the table, its invocations striding over the
// elements. Read through pointers, one element at a time: these tensors are a few hundred values.
struct Entry {
  Floats param;
  Floats exp_avg;
  Floats exp_avg_sq;
  ConstFloats grad;
  uint n;
  float step_size;  // as the single-parameter kernel's push constants, per parameter
  float sqrt_bc2;
};

layout(buffer_reference, scalar, buffer_reference_align = 8) readonly buffer Entries {
  Entry v[];
};

layout(push_constant, scalar) uniform Push {
  Entries entries;
  Flag skip;
  uint count;
  float beta1;
  float one_minus_beta1;
  float beta2;
  float one_minus_beta2;
  float eps;
} p;

void main() {
  uint entry = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  if (entry >= p.count || skipped(p.skip)) return;
  Entry e = p.entries.v[entry];
  for (uint i = gl_LocalInvocationID.x; i < e.n; i += gl_WorkGroupSize.x) {
    float m = e.exp_avg.v[i], v = e.exp_avg_sq.v[i];
    float param = updated(e.param.v[i], e.grad.v[i], m, v, e.step_size, e.sqrt_bc2);
    e.exp_avg.v[i] = m;
    e.exp_avg_sq.v[i] = v;
    e.param.v[i] = param;
  }
}

#else
layout(push_constant, scalar) uniform Push {
  Floats param;
  Floats exp_avg;
  Floats exp_avg_sq;
  ConstFloats grad;  // read as texels1 in the twin
  ConstFloats param_in;  // the same memory as param, exp_avg and exp_avg_sq: texels0, 2, 3
  ConstFloats exp_avg_in;
  ConstFloats exp_avg_sq_in;
  Flag skip;
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
  if (skipped(p.skip)) return;
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
  float m = READ(2, p.exp_avg_in, i), v = READ(3, p.exp_avg_sq_in, i);
  float param = updated(READ(0, p.param_in, i), READ(1, p.grad, i), m, v, p.step_size, p.sqrt_bc2);
  p.exp_avg.v[i] = m;
  p.exp_avg_sq.v[i] = v;
  p.param.v[i] = param;
}
#endif

float updated(float param, float g, inout float m, inout float v, float step_size, float sqrt_bc2) {
  m = p.beta1 * m + p.one_minus_beta1 * g;
  v = p.beta2 * v + p.one_minus_beta2 * (g * g);
  float denom = sqrt(v) / sqrt_bc2 + p.eps;
  return param - step_size * (m / denom);
}
