#version 460
// aegan-variants: update
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

// Exponential moving average of one parameter, in place: average = decay * average +
// (1 - decay) * parameter, with both factors rounded from double on the host.
layout(push_constant, scalar) uniform Push {
  Floats average;
  ConstFloats parameter;
  uint n;
  float decay;
  float one_minus_decay;
} p;

void main() {
  uint i = flat_index();
  if (i >= p.n) return;
  p.average.v[i] = p.decay * p.average.v[i] + p.one_minus_decay * p.parameter.v[i];
}
