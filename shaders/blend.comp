#version 460
// y = w0 * a + w1 * b + w2 * c + w3 * d over n elements, with only the first `terms` inputs read:
// the viewer's walk in embedding space, where every interpolation (lerp, slerp, Catmull-Rom) is
// a weighted sum of at most four keyframes. Summed in a fixed order; one term of weight 1 copies exactly.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(push_constant, scalar) uniform Push {
  ConstFloats a;
  ConstFloats b;
  ConstFloats c;
  ConstFloats d;
  Floats y;
  float w0;
  float w1;
  float w2;
  float w3;
  uint n;
  uint terms;
} p;

void main() {
  const uint i = flat_index();
  if (i >= p.n) return;
  float v = p.w0 * p.a.v[i];
  if (p.terms > 1) v += p.w1 * p.b.v[i];
  if (p.terms > 2) v += p.w2 * p.c.v[i];
  if (p.terms > 3) v += p.w3 * p.d.v[i];
  p.y.v[i] = v;
}
