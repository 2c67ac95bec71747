#version 460
// aegan-variants: sum channel_sum
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

// Deterministic sums: each workgroup adds a fixed set of elements in a fixed order and combines
// its invocations' partial sums by a tree in shared memory (no atomics), so the result depends
// only on the data and the workgroup size. The workgroup size must be a power of two.
layout(push_constant, scalar) uniform Push {
  ConstFloats x;
  Floats y;
  uint n;       // sum: elements; channel_sum: batch size N
  uint chunk;   // sum: elements per workgroup; channel_sum: channels C
  uint inner;   // channel_sum: H*W
} p;

shared float partial[gl_WorkGroupSize.x];

void main() {
  uint group = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  uint lane = gl_LocalInvocationID.x;
  float acc = 0.0;
#if defined(VARIANT_SUM)
  uint begin = group * p.chunk;
  uint end = min(begin + p.chunk, p.n);
  for (uint i = begin + lane; i < end; i += gl_WorkGroupSize.x) acc += p.x.v[i];
#else
  uint c = group;
  if (c < p.chunk) {
    for (uint n = 0; n < p.n; ++n) {
      uint base = (n * p.chunk + c) * p.inner;
      for (uint i = lane; i < p.inner; i += gl_WorkGroupSize.x) acc += p.x.v[base + i];
    }
  }
#endif
  partial[lane] = acc;
  barrier();
  for (uint stride = gl_WorkGroupSize.x / 2; stride > 0; stride /= 2) {
    if (lane < stride) partial[lane] += partial[lane + stride];
    barrier();
  }
  if (lane == 0) {
#if defined(VARIANT_SUM)
    // grid_1d may launch a few groups past the last chunk; they have nothing to write.
    if (begin < p.n) p.y.v[group] = partial[0];
#else
    if (c < p.chunk) p.y.v[c] = partial[0];
#endif
  }
}
