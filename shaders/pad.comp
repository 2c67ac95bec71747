#version 460
// aegan-variants: reflect reflect_backward zero
// aegan-texel-variants: zero reflect reflect_backward
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"

#if defined(VARIANT_ZERO)
// Zero padding of planes h x w into planes ph x pw at (top, left); the rest of each padded plane
// is zero (conv_kernels.cpp pads the inputs of its row-run kernel this way).
layout(push_constant, scalar) uniform Push {
  ConstFloats x;
  Floats y;
  uint planes;
  uint h;
  uint w;
  uint ph;
  uint pw;
  uint top;
  uint left;
} p;

// With QUADS (pw a multiple of 4, y 16-byte aligned) an invocation writes four pixels of a row.
layout(constant_id = 1) const bool QUADS = false;

void main() {
  uint index = flat_index();
  uint first = QUADS ? 4 * index : index;
  uint j = first % p.pw;
  uint rest = first / p.pw;
  uint i = rest % p.ph;
  uint plane = rest / p.ph;
  if (plane >= p.planes) return;
  uint si = i - p.top;
  uint row = (plane * p.h + si) * p.w;
  vec4 values;
  [[unroll]] for (uint c = 0; c < (QUADS ? 4 : 1); ++c) {
    uint sj = j + c - p.left;
    values[c] = si < p.h && sj < p.w ? READ(0, p.x, row + sj) : 0.0;
  }
  if (QUADS) {
    Vec4s(p.y).v[index] = values;
  } else {
    p.y.v[index] = values.x;
  }
}

#else
// Reflection padding (PyTorch's 'reflect': the edge pixel is not repeated; pad < size) of planes
// h x w by `pad` on all four sides. The backward pass is a gather: each input pixel sums, in a
// fixed order, the gradient of every padded pixel that copies it.
layout(push_constant, scalar) uniform Push {
  ConstFloats x;  // reflect: the input; backward: the gradient of the padded output
  Floats y;       // reflect: the padded output; backward: the gradient of the input
  uint planes;    // N * C
  uint h;
  uint w;
  uint pad;
} p;

#if defined(VARIANT_REFLECT)
uint source(int i, uint size) {
  if (i < 0) i = -i;
  if (i >= int(size)) i = 2 * (int(size) - 1) - i;
  return uint(i);
}

uint outputs() {
  return p.planes * (p.h + 2 * p.pad) * (p.w + 2 * p.pad);
}

float value(uint index) {
  uint ph = p.h + 2 * p.pad;
  uint pw = p.w + 2 * p.pad;
  uint j = index % pw;
  uint rest = index / pw;
  uint i = rest % ph;
  uint plane = rest / ph;
  uint si = source(int(i) - int(p.pad), p.h);
  uint sj = source(int(j) - int(p.pad), p.w);
  return READ(0, p.x, (plane * p.h + si) * p.w + sj);
}

#else
// The padded coordinates (up to three) that copy coordinate i of a side of `size`: itself, its
// mirror on the low side (1 <= i <= pad) and its mirror on the high side.
uint copies(uint i, uint size, out uint at[3]) {
  uint count = 0;
  if (i >= 1 && i <= p.pad) at[count++] = p.pad - i;
  at[count++] = p.pad + i;
  if (i + 1 + p.pad >= size && i + 2 <= size) at[count++] = p.pad + 2 * (size - 1) - i;
  return count;
}

uint outputs() {
  return p.planes * p.h * p.w;
}

float value(uint index) {
  uint j = index % p.w;
  uint rest = index / p.w;
  uint i = rest % p.h;
  uint plane = rest / p.h;
  uint pw = p.w + 2 * p.pad;
  uint rows[3];
  uint columns[3];
  uint row_count = copies(i, p.h, rows);
  uint column_count = copies(j, p.w, columns);
  float acc = 0.0;
  for (uint r = 0; r < row_count; ++r) {
    uint base = (plane * (p.h + 2 * p.pad) + rows[r]) * pw;
    for (uint c = 0; c < column_count; ++c) acc += READ(0, p.x, base + columns[c]);
  }
  return acc;
}
#endif
#endif  // VARIANT_ZERO

#if !defined(VARIANT_ZERO)
// With QUADS (outputs a multiple of 4, y 16-byte aligned) an invocation writes four consecutive
// outputs with one vector store.
layout(constant_id = 1) const bool QUADS = false;

void main() {
  uint index = flat_index();
  if (QUADS) {
    if (index >= outputs() / 4) return;
    vec4 values;
    [[unroll]] for (uint c = 0; c < 4; ++c) values[c] = value(4 * index + c);
    Vec4s(p.y).v[index] = values;
  } else if (index < outputs()) {
    p.y.v[index] = value(index);
  }
}
#endif
