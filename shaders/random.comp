#version 460
// aegan-variants: normal
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "hash.glsl"

// Random tensors from a counter-based hash: one invocation per element, no subgroup or shared
// memory, so each value depends only on the seed and the element's index.
layout(push_constant, scalar) uniform Push {
  Floats y;
  uint n;
  uint seed_lo;
  uint seed_hi;
} p;

void main() {
  uint i = flat_index();
  if (i >= p.n) return;
  p.y.v[i] = standard_normal(p.seed_lo, p.seed_hi, i);
}
