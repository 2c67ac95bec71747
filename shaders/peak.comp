#version 460
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"

// Arithmetic throughput probe for `aegan-vk bench ops`: nothing but fused multiply-adds, in
// enough independent chains to hide their latency, so it runs at what the device can reach on
// FMAs. Each invocation does iterations * 8 chains * 4 lanes FMAs (2 FLOPs each).
// The loop body repeats the chains four times: llvmpipe masks every variable written in a loop
// once per iteration (a blend per write), which on one FMA per write halved the figure.
layout(push_constant, scalar) uniform Push {
  Floats y;
  uint n;
  uint iterations;
} p;

void main() {
  uint i = flat_index();
  if (i >= p.n) return;
  // Seeded by the index so that the compiler cannot fold the chains; the factors keep every
  // value near 1 (no overflow, no denormals).
  vec4 x0 = vec4(float(i & 1023u) * 1e-4);
  vec4 x1 = x0 + 0.1, x2 = x0 + 0.2, x3 = x0 + 0.3, x4 = x0 + 0.4, x5 = x0 + 0.5;
  vec4 x6 = x0 + 0.6, x7 = x0 + 0.7;
  const vec4 m = vec4(0.9999, 0.9998, 0.9997, 0.9996);
  const vec4 c = vec4(1e-4, 2e-4, 3e-4, 4e-4);
  for (uint t = 0; t < p.iterations; t += 4) {
    [[unroll]] for (uint u = 0; u < 4; ++u) {
      x0 = fma(x0, m, c);
      x1 = fma(x1, m, c);
      x2 = fma(x2, m, c);
      x3 = fma(x3, m, c);
      x4 = fma(x4, m, c);
      x5 = fma(x5, m, c);
      x6 = fma(x6, m, c);
      x7 = fma(x7, m, c);
    }
  }
  vec4 s = ((x0 + x1) + (x2 + x3)) + ((x4 + x5) + (x6 + x7));
  p.y.v[i] = s.x + s.y + s.z + s.w;
}
