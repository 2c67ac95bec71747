#version 460
// aegan-variants: concat split
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

// One part of a concatenation. Viewed as [outer, part_inner] (the part) inside
// [outer, whole_inner] (the whole), the part starts at column `offset` of the whole.
// concat copies the part into the whole; split copies it back out (the gradient of concat).
layout(push_constant, scalar) uniform Push {
  ConstFloats src;
  Floats dst;
  uint n;  // elements of the part
  uint part_inner;
  uint whole_inner;
  uint offset;
} p;

void main() {
  uint i = flat_index();
  if (i >= p.n) return;
  uint whole = (i / p.part_inner) * p.whole_inner + p.offset + i % p.part_inner;
#if defined(VARIANT_CONCAT)
  p.dst.v[whole] = p.src.v[i];
#else
  p.dst.v[i] = p.src.v[whole];
#endif
}
