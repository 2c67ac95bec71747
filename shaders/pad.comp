#version 460
// aegan-variants: reflect reflect_backward reflect_backward_border
// aegan-texel-variants: reflect reflect_backward reflect_backward_border
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"

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
// The backward pass in two dispatches: reflect_backward gives every input pixel the gradient of
// its own padded position (the whole sum for all but the border), then reflect_backward_border
// recomputes the border pixels, the ones that also have mirrored copies, with the whole sum.
// Split so that the many interior pixels take no per-pixel loops over copies.
uint plane_size() {
  return p.h * p.w;
}

// The padded coordinates (up to three) that copy coordinate i of a side of `size`: itself, its
// mirror on the low side (1 <= i <= pad) and its mirror on the high side.
uint copies(uint i, uint size, out uint at[3]) {
  uint count = 0;
  if (i >= 1 && i <= p.pad) at[count++] = p.pad - i;
  at[count++] = p.pad + i;
  if (i + 1 + p.pad >= size && i + 2 <= size) at[count++] = p.pad + 2 * (size - 1) - i;
  return count;
}

float whole_sum(uint plane, uint i, uint j) {
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

// Border rows are [0, top) and [bottom, h); the rows between have border columns [0, left) and
// [right, w). Only these can have mirrored copies (low side 1..pad, high side h-1-pad..h-2).
uint top() {
  return min(p.pad + 1, p.h);
}
uint bottom() {
  return max(top(), p.h - min(p.pad + 1, p.h));
}
uint left() {
  return min(p.pad + 1, p.w);
}
uint right() {
  return max(left(), p.w - min(p.pad + 1, p.w));
}
uint border_rows() {
  return top() + p.h - bottom();
}
uint border_columns() {
  return left() + p.w - right();
}
uint border_size() {
  return border_rows() * p.w + (bottom() - top()) * border_columns();
}

#if defined(VARIANT_REFLECT_BACKWARD)
uint outputs() {
  return p.planes * plane_size();
}

float value(uint index) {
  uint j = index % p.w;
  uint rest = index / p.w;
  uint i = rest % p.h;
  uint plane = rest / p.h;
  uint pw = p.w + 2 * p.pad;
  return READ(0, p.x, (plane * (p.h + 2 * p.pad) + p.pad + i) * pw + p.pad + j);
}

#else  // VARIANT_REFLECT_BACKWARD_BORDER
void main() {
  uint index = flat_index();
  uint per_plane = border_size();
  if (index >= p.planes * per_plane) return;
  uint plane = index / per_plane;
  uint r = index % per_plane;
  uint i, j;
  if (r < border_rows() * p.w) {
    uint k = r / p.w;
    j = r % p.w;
    i = k < top() ? k : bottom() + (k - top());
  } else {
    r -= border_rows() * p.w;
    uint c = r % border_columns();
    i = top() + r / border_columns();
    j = c < left() ? c : right() + (c - left());
  }
  p.y.v[(plane * p.h + i) * p.w + j] = whole_sum(plane, i, j);
}
#endif
#endif

#if !defined(VARIANT_REFLECT_BACKWARD_BORDER)
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
