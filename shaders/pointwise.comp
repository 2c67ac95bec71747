#version 460
// aegan-variants: add sub mul scale relu relu_backward leaky_relu leaky_relu_backward tanh tanh_backward sigmoid sigmoid_backward dropout broadcast
// aegan-texel-variants: add sub mul scale relu relu_backward leaky_relu leaky_relu_backward tanh tanh_backward sigmoid sigmoid_backward dropout
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "hash.glsl"

// y = f(a, b, alpha) elementwise. Backward variants take the forward's input (relu, leaky_relu)
// or output (tanh, sigmoid) as a and the output gradient as b.
layout(push_constant, scalar) uniform Push {
  ConstFloats a;
  ConstFloats b;
  Floats y;
  uint n;
  float alpha;
  uint seed_lo;
  uint seed_hi;
} p;

void main() {
  uint i = flat_index();
  if (i >= p.n) return;
#if defined(VARIANT_BROADCAST)
  // Gradient of a reduction: every element gets the scalar a[0] times alpha.
  p.y.v[i] = p.a.v[0] * p.alpha;
  return;
#endif
  float a = READ(0, p.a, i);
#if defined(VARIANT_ADD)
  p.y.v[i] = a + READ(1, p.b, i);
#elif defined(VARIANT_SUB)
  p.y.v[i] = a - READ(1, p.b, i);
#elif defined(VARIANT_MUL)
  p.y.v[i] = a * READ(1, p.b, i);
#elif defined(VARIANT_SCALE)
  p.y.v[i] = a * p.alpha;
#elif defined(VARIANT_RELU)
  p.y.v[i] = max(a, 0.0);
#elif defined(VARIANT_RELU_BACKWARD)
  p.y.v[i] = a > 0.0 ? READ(1, p.b, i) : 0.0;
#elif defined(VARIANT_LEAKY_RELU)
  p.y.v[i] = a > 0.0 ? a : a * p.alpha;
#elif defined(VARIANT_LEAKY_RELU_BACKWARD)
  p.y.v[i] = a > 0.0 ? READ(1, p.b, i) : READ(1, p.b, i) * p.alpha;
#elif defined(VARIANT_TANH)
  // tanh() of some drivers overflows to NaN for large |a|; this form saturates cleanly.
  float e = exp(-2.0 * abs(a));
  p.y.v[i] = sign(a) * (1.0 - e) / (1.0 + e);
#elif defined(VARIANT_TANH_BACKWARD)
  p.y.v[i] = (1.0 - a * a) * READ(1, p.b, i);
#elif defined(VARIANT_SIGMOID)
  float e = exp(-abs(a));
  p.y.v[i] = a >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
#elif defined(VARIANT_SIGMOID_BACKWARD)
  p.y.v[i] = a * (1.0 - a) * READ(1, p.b, i);
#elif defined(VARIANT_DROPOUT)
  // alpha is the drop probability; the same kernel applies the same mask to gradients.
  bool keep = dropout_keep(p.seed_lo, p.seed_hi, i, p.alpha);
  p.y.v[i] = keep ? a / (1.0 - p.alpha) : 0.0;
#endif
}
