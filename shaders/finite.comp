#version 460
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

// Sets a flag word to 1 when any of n values is NaN or infinite, and leaves it as it is
// otherwise: a training step checks each loss this way, and the optimisers after it read the
// flag, so that finding a bad loss needs no wait for the device. The test is on the exponent
// bits, which no floating-point optimisation of isnan() or isinf() can fold away.
layout(buffer_reference, scalar, buffer_reference_align = 4) buffer Words {
  uint v[];
};

layout(push_constant, scalar) uniform Push {
  ConstFloats values;
  Words flag;  // one word
  uint n;
} p;

void main() {
  uint i = flat_index();
  if (i >= p.n) return;
  if ((floatBitsToUint(p.values.v[i]) & 0x7f800000u) == 0x7f800000u) atomicOr(p.flag.v[0], 1u);
}
