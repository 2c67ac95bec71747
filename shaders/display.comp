#version 460
// Images for the screen as packed 8-bit pixels: tiles of a [T, C, S, S] block (C = 1 or 3, values
// in [-1, 1] unless normalised), laid out `columns` to a row with `gap` background pixels between
// them. Each source pixel becomes a zoom x zoom block, or each shrink x shrink box of source pixels
// one pixel (its mean), so the copy into the window needs no scaling. One tile at zoom z and
// shrink 1 gives bytes equal to report::to_rgb8 (and so `aegan-vk sample`'s PNGs): clamp, NaN as
// -1, round((v + 1) * 127.5).
//   pixels: one invocation per output pixel.
//   range:  one invocation per tile: the tile's finite minimum and maximum, for `normalise`.
// aegan-variants: pixels range
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(buffer_reference, scalar, buffer_reference_align = 4) writeonly buffer Pixels {
  uint v[];
};

layout(push_constant, scalar) uniform Push {
  ConstFloats src;  // first element of tile 0
  Pixels dst;       // width * height pixels, row by row
  Floats range;     // [T, 2]: minimum, maximum per tile
  uint size;        // S
  uint channels;    // C
  uint zoom;
  uint shrink;
  uint tiles;  // T
  uint columns;
  uint gap;
  uint width;
  uint height;
  uint bgra;       // 1: blue in the lowest byte, as B8G8R8A8 swapchains store it
  uint normalise;  // 1: map each tile's [minimum, maximum] (from `range`) to [-1, 1]
  uint background;
} p;

#ifdef VARIANT_RANGE
void main() {
  const uint t = flat_index();
  if (t >= p.tiles) return;
  const uint n = p.channels * p.size * p.size, first = t * n;
  float lo = 0.0, hi = 0.0;
  bool any = false;
  for (uint i = 0; i < n; ++i) {
    const float v = p.src.v[first + i];
    if (isnan(v) || isinf(v)) continue;
    lo = any ? min(lo, v) : v;
    hi = any ? max(hi, v) : v;
    any = true;
  }
  p.range.v[2 * t] = lo;
  p.range.v[2 * t + 1] = hi;
}
#else
uint to_byte(float v) {
  v = v > 1.0 ? 1.0 : (v >= -1.0 ? v : -1.0);
  return uint(floor((v + 1.0) * 127.5 + 0.5));
}

void main() {
  const uint i = flat_index();
  if (i >= p.width * p.height) return;
  const uint tile = (p.size / p.shrink) * p.zoom, pitch = tile + p.gap;
  const uint x = i % p.width, y = i / p.width;
  const uint column = x / pitch, row = y / pitch, tx = x % pitch, ty = y % pitch;
  const uint t = row * p.columns + column;
  if (tx >= tile || ty >= tile || column >= p.columns || t >= p.tiles) {
    p.dst.v[i] = p.background;
    return;
  }
  const uint sx = (tx / p.zoom) * p.shrink, sy = (ty / p.zoom) * p.shrink;
  const uint plane = p.size * p.size, first = t * p.channels * plane;
  float lo = -1.0, scale = 1.0;
  if (p.normalise == 1) {
    lo = p.range.v[2 * t];
    const float spread = p.range.v[2 * t + 1] - lo;
    scale = spread > 0.0 ? 2.0 / spread : 0.0;
  }
  uint bytes[3];
  for (uint c = 0; c < p.channels; ++c) {
    float sum = 0.0;
    for (uint dy = 0; dy < p.shrink; ++dy) {
      for (uint dx = 0; dx < p.shrink; ++dx) {
        sum += p.src.v[first + c * plane + (sy + dy) * p.size + sx + dx];
      }
    }
    float v = p.shrink == 1 ? sum : sum / float(p.shrink * p.shrink);
    if (p.normalise == 1) v = scale > 0.0 ? (v - lo) * scale - 1.0 : 0.0;
    bytes[c] = to_byte(v);
  }
  const uint r = bytes[0];
  const uint g = p.channels == 3 ? bytes[1] : r;
  const uint b = p.channels == 3 ? bytes[2] : r;
  const uint low = p.bgra == 1 ? b : r, high = p.bgra == 1 ? r : b;
  p.dst.v[i] = low | (g << 8) | (high << 16) | (255u << 24);
}
#endif
