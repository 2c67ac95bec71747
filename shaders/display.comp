#version 460
// One image of a [N, C, S, S] tensor (C = 1 or 3, values in [-1, 1]) as packed 8-bit pixels for
// the screen: each source pixel becomes a zoom x zoom block, so the copy into the window needs no
// scaling. Byte values match report::to_rgb8 (and so `aegan-vk sample`'s PNGs): clamp, NaN as -1,
// round((v + 1) * 127.5).
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(buffer_reference, scalar, buffer_reference_align = 4) writeonly buffer Pixels {
  uint v[];
};

layout(push_constant, scalar) uniform Push {
  ConstFloats src;  // first element of the image
  Pixels dst;       // (size * zoom)^2 pixels, row by row
  uint size;
  uint channels;
  uint zoom;
  uint bgra;  // 1: blue in the lowest byte, as B8G8R8A8 swapchains store it
} p;

uint to_byte(float v) {
  v = v > 1.0 ? 1.0 : (v >= -1.0 ? v : -1.0);
  return uint(floor((v + 1.0) * 127.5 + 0.5));
}

void main() {
  const uint width = p.size * p.zoom;
  const uint i = flat_index();
  if (i >= width * width) return;
  const uint x = (i % width) / p.zoom, y = (i / width) / p.zoom;
  const uint plane = p.size * p.size, at = y * p.size + x;
  const uint r = to_byte(p.src.v[at]);
  const uint g = p.channels == 3 ? to_byte(p.src.v[plane + at]) : r;
  const uint b = p.channels == 3 ? to_byte(p.src.v[2 * plane + at]) : r;
  const uint low = p.bgra == 1 ? b : r, high = p.bgra == 1 ? r : b;
  p.dst.v[i] = low | (g << 8) | (high << 16) | (255u << 24);
}
