#version 460
// aegan-variants: upsample2x upsample2x_backward tile tile_backward
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

// Spatial enlargement of [planes, height, width] (planes = N * C). One invocation per element of
// dst: the forward kernels gather from src, the backward ones sum the output gradient src over
// the elements that copied each input element.
layout(push_constant, scalar) uniform Push {
  ConstFloats src;
  Floats dst;
  uint n;  // elements of dst
  uint height;  // of the larger tensor for tile, of the smaller one otherwise
  uint width;
} p;

void main() {
  uint i = flat_index();
  if (i >= p.n) return;
#if defined(VARIANT_UPSAMPLE2X)
  // Nearest neighbour: output (h, w) of [2H, 2W] copies input (h / 2, w / 2).
  uint w = i % (2 * p.width), h = (i / (2 * p.width)) % (2 * p.height);
  uint plane = i / (4 * p.height * p.width);
  p.dst.v[i] = p.src.v[(plane * p.height + h / 2) * p.width + w / 2];
#elif defined(VARIANT_UPSAMPLE2X_BACKWARD)
  uint w = i % p.width, h = (i / p.width) % p.height, plane = i / (p.height * p.width);
  uint top = (plane * 2 * p.height + 2 * h) * 2 * p.width + 2 * w;
  uint bottom = top + 2 * p.width;
  p.dst.v[i] = (p.src.v[top] + p.src.v[top + 1]) + (p.src.v[bottom] + p.src.v[bottom + 1]);
#elif defined(VARIANT_TILE)
  // Every element of an [height, width] plane is the plane's one input element.
  p.dst.v[i] = p.src.v[i / (p.height * p.width)];
#elif defined(VARIANT_TILE_BACKWARD)
  uint plane = p.height * p.width;
  float total = 0.0;
  for (uint k = 0; k < plane; ++k) total += p.src.v[i * plane + k];
  p.dst.v[i] = total;
#endif
}
