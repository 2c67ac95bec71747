#version 460
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(push_constant, scalar) uniform Push {
  Floats y;
  uint n;
  float value;
} p;

void main() {
  uint i = flat_index();
  if (i < p.n) p.y.v[i] = p.value;
}
