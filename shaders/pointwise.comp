#version 460
// aegan-variants: add sub mul scale relu relu_backward leaky_relu leaky_relu_backward tanh tanh_backward sigmoid sigmoid_backward exp exp_backward sqrt sqrt_backward dropout broadcast
// aegan-texel-variants: add sub mul scale relu relu_backward leaky_relu leaky_relu_backward tanh tanh_backward sigmoid sigmoid_backward exp exp_backward sqrt sqrt_backward dropout
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"
#include "hash.glsl"
#include "tanh.glsl"

// y = f(a, b, alpha) elementwise. Backward variants take the forward's input (relu, leaky_relu)
// or output (tanh, sigmoid, exp, sqrt) as a and the output gradient as b. With QUADS (n a multiple of 4,
// 16-byte aligned tensors) each invocation does four elements with vector loads and stores.
layout(push_constant, scalar) uniform Push {
  ConstFloats a;
  ConstFloats b;
  Floats y;
  uint n;
  float alpha;
  uint seed_lo;
  uint seed_hi;
} p;

layout(constant_id = 1) const bool QUADS = false;

#if defined(VARIANT_ADD) || defined(VARIANT_SUB) || defined(VARIANT_MUL) || \
    defined(VARIANT_RELU_BACKWARD) || defined(VARIANT_LEAKY_RELU_BACKWARD) ||   \
    defined(VARIANT_TANH_BACKWARD) || defined(VARIANT_SIGMOID_BACKWARD) ||             \
    defined(VARIANT_EXP_BACKWARD) || defined(VARIANT_SQRT_BACKWARD)
#define READS_B 1
#endif

// Element i's result from its a and b (b is 0 for kernels that do not read it).
float f(float a, float b, uint i) {
#if defined(VARIANT_ADD)
  return a + b;
#elif defined(VARIANT_SUB)
  return a - b;
#elif defined(VARIANT_MUL)
  return a * b;
#elif defined(VARIANT_SCALE)
  return a * p.alpha;
#elif defined(VARIANT_RELU)
  return max(a, 0.0);
#elif defined(VARIANT_RELU_BACKWARD)
  return a > 0.0 ? b : 0.0;
#elif defined(VARIANT_LEAKY_RELU)
  return a > 0.0 ? a : a * p.alpha;
#elif defined(VARIANT_LEAKY_RELU_BACKWARD)
  return a > 0.0 ? b : b * p.alpha;
#elif defined(VARIANT_TANH)
  return tanh_accurate(a);
#elif defined(VARIANT_TANH_BACKWARD)
  return (1.0 - a * a) * b;
#elif defined(VARIANT_SIGMOID)
  float e = exp(-abs(a));
  return a >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
#elif defined(VARIANT_SIGMOID_BACKWARD)
  return a * (1.0 - a) * b;
#elif defined(VARIANT_EXP)
  return exp(a);
#elif defined(VARIANT_EXP_BACKWARD)
  return a * b;
#elif defined(VARIANT_SQRT)
  return sqrt(a);
#elif defined(VARIANT_SQRT_BACKWARD)
  // Infinite where the output is 0, as the true derivative (and PyTorch's) is.
  return b / (2.0 * a);
#elif defined(VARIANT_DROPOUT)
  // alpha is the drop probability; the same kernel applies the same mask to gradients.
  return dropout_keep(p.seed_lo, p.seed_hi, i, p.alpha) ? a / (1.0 - p.alpha) : 0.0;
#else
  return 0.0;
#endif
}

void main() {
  uint i = flat_index();
#if defined(VARIANT_BROADCAST)
  // Gradient of a reduction: every element gets the scalar a[0] times alpha.
  if (i < p.n) p.y.v[i] = p.a.v[0] * p.alpha;
#else
  if (QUADS) {
    if (i >= p.n / 4) return;
    vec4 a = READ4(0, ConstVec4s(p.a), i);
#if defined(READS_B)
    vec4 b = READ4(1, ConstVec4s(p.b), i);
#else
    vec4 b = vec4(0.0);
#endif
    vec4 y;
    [[unroll]] for (uint c = 0; c < 4; ++c) y[c] = f(a[c], b[c], 4 * i + c);
    Vec4s(p.y).v[i] = y;
  } else {
    if (i >= p.n) return;
#if defined(READS_B)
    float b = READ(1, p.b, i);
#else
    float b = 0.0;
#endif
    p.y.v[i] = f(READ(0, p.a, i), b, i);
  }
#endif
}
