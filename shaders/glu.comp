#version 460
// aegan-variants: forward backward
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

// Gated linear unit over dimension 1: viewed as [outer, 2, half_inner], y = a * sigmoid(b) with a
// the first half of each outer slice and b the second. One invocation per element of y; the
// backward one writes both of its x's gradients from the output gradient g.
layout(push_constant, scalar) uniform Push {
  ConstFloats x;
  ConstFloats g;  // backward only
  Floats y;       // y (forward) or dL/dx (backward)
  uint n;         // elements of the output, half of x's
  uint half_inner;
} p;

float sigmoid(float v) {
  float e = exp(-abs(v));
  return v >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

void main() {
  uint i = flat_index();
  if (i >= p.n) return;
  uint ia = (i / p.half_inner) * 2 * p.half_inner + i % p.half_inner;
  uint ib = ia + p.half_inner;
  float a = p.x.v[ia];
  float s = sigmoid(p.x.v[ib]);
#if defined(VARIANT_FORWARD)
  p.y.v[i] = a * s;
#else
  float g = p.g.v[i];
  p.y.v[ia] = g * s;
  p.y.v[ib] = g * a * s * (1.0 - s);
#endif
}
