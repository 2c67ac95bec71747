#version 460
// aegan-variants: abs_diff l1_backward squared_diff mse_backward bce bce_backward times_grad
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

// Elementwise parts of the losses; the reductions are the deterministic sums of reduce.comp.
// Backward variants scale by the loss gradient g[0] (a one-element tensor) times alpha = ±1/N.
layout(push_constant, scalar) uniform Push {
  ConstFloats a;  // prediction or logits
  ConstFloats b;  // target
  ConstFloats g;  // gradient of the loss, one element
  Floats y;
  uint n;
  float alpha;
} p;

// log(1 + e) for e in [0, 1]: GLSL has no log1p, and log(1 + e) loses e's digits when e is small.
float log1p_small(float e) {
  if (e < 0.0625) {
    // Alternating series; the first omitted term is below 1e-8 relative.
    return e * (1.0 - e * (1.0 / 2.0 - e * (1.0 / 3.0 - e * (1.0 / 4.0 - e * (1.0 / 5.0 - e / 6.0)))));
  }
  return log(1.0 + e);
}

float sigmoid(float x) {
  float e = exp(-abs(x));
  return x >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

void main() {
  uint i = flat_index();
  if (i >= p.n) return;
  float a = p.a.v[i];
#if defined(VARIANT_ABS_DIFF)
  p.y.v[i] = abs(a - p.b.v[i]);
#elif defined(VARIANT_L1_BACKWARD)
  p.y.v[i] = sign(a - p.b.v[i]) * (p.g.v[0] * p.alpha);
#elif defined(VARIANT_SQUARED_DIFF)
  float d = a - p.b.v[i];
  p.y.v[i] = d * d;
#elif defined(VARIANT_MSE_BACKWARD)
  p.y.v[i] = (a - p.b.v[i]) * (p.g.v[0] * p.alpha);
#elif defined(VARIANT_BCE)
  // max(x, 0) - x t + log(1 + exp(-|x|)): no exp overflows for any logit.
  p.y.v[i] = max(a, 0.0) - a * p.b.v[i] + log1p_small(exp(-abs(a)));
#elif defined(VARIANT_BCE_BACKWARD)
  p.y.v[i] = (sigmoid(a) - p.b.v[i]) * (p.g.v[0] * p.alpha);
#elif defined(VARIANT_TIMES_GRAD)
  p.y.v[i] = a * (p.g.v[0] * p.alpha);
#endif
}
