#version 460
// aegan-variants: forward transposed weight_grad weight_grad_reduce
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "conv_push.h"

// Direct convolutions in gather form (see engine/ops/conv_kernels.hpp for the formulas): every
// output element is written by exactly one invocation, which sums its terms in a fixed order
// (input channel, kernel row, kernel column; weight gradients: rows of g, then columns, then
// chunks in ascending order). No atomics, so results are bitwise reproducible.
//
// Register blocking: an invocation computes BLOCK output channels (weight gradient: BLOCK
// channels of s) for PIXELS output columns, so each input value loaded serves BLOCK products and
// each weight PIXELS products.
layout(constant_id = 1) const uint BLOCK = 1;
layout(constant_id = 2) const uint PIXELS = 1;

#if defined(VARIANT_FORWARD) || defined(VARIANT_TRANSPOSED)
layout(push_constant, scalar) uniform Push {
  DirectDataPush p;
};

void main() {
  uint index = flat_index();
  uint group = index % p.column_groups;
  uint rest = index / p.column_groups;
  uint oh = rest % p.out_h;
  rest /= p.out_h;
  uint channel_blocks = (p.out_channels + BLOCK - 1) / BLOCK;
  uint o0 = (rest % channel_blocks) * BLOCK;
  uint n = rest / channel_blocks;
  if (n >= p.batch) return;

  uint taps = p.k * p.k;
  int stride = int(p.stride);
#if defined(VARIANT_FORWARD)
  // Weight [out, in, k, k]; output column ow0 + t reads input column (ow0 + t) * stride - pad + kw.
  uint ow0 = group * PIXELS;
  uint ow_step = 1;
  uint weight_channel_step = p.in_channels * taps;
#else
  // Weight [in, out, k, k]; output column ow = phase + stride * (m0 + t) receives input column
  // (ow + pad - kw) / stride for the taps kw = (ow + pad) mod stride (+ multiples of stride),
  // which are the same for every column of the invocation.
  uint phase_blocks = ((p.out_w + p.stride - 1) / p.stride + PIXELS - 1) / PIXELS;
  uint phase = group / phase_blocks;
  uint m0 = (group % phase_blocks) * PIXELS;
  uint ow0 = phase + p.stride * m0;
  uint ow_step = p.stride;
  uint weight_channel_step = taps;
#endif

  float acc[BLOCK * PIXELS];
  for (uint i = 0; i < BLOCK * PIXELS; ++i) acc[i] = 0.0;
  float xv[PIXELS];

  for (uint ci = 0; ci < p.in_channels; ++ci) {
    uint plane = (n * p.in_channels + ci) * p.in_h;
#if defined(VARIANT_FORWARD)
    for (uint kh = 0; kh < p.k; ++kh) {
      int ih = int(oh) * stride + int(kh) - int(p.pad);
#else
    for (uint kh = (oh + p.pad) % p.stride; kh < p.k; kh += p.stride) {
      int ih = (int(oh + p.pad) - int(kh)) / stride;  // exact: kh = oh + pad (mod stride)
#endif
      if (ih < 0 || ih >= int(p.in_h)) continue;
      uint row = (plane + uint(ih)) * p.in_w;
#if defined(VARIANT_FORWARD)
      for (uint kw = 0; kw < p.k; ++kw) {
        int iw0 = int(ow0) * stride + int(kw) - int(p.pad);
        int iw_step = stride;
        uint w_index = (o0 * p.in_channels + ci) * taps + kh * p.k + kw;
#else
      for (uint kw = (phase + p.pad) % p.stride; kw < p.k; kw += p.stride) {
        int iw0 = (int(phase + p.pad) - int(kw)) / stride + int(m0);
        int iw_step = 1;
        uint w_index = (ci * p.out_channels + o0) * taps + kh * p.k + kw;
#endif
        for (uint t = 0; t < PIXELS; ++t) {
          int iw = iw0 + int(t) * iw_step;
          xv[t] = 0.0;
          if (ow0 + t * ow_step < p.out_w && iw >= 0 && iw < int(p.in_w)) {
            xv[t] = p.x.v[row + uint(iw)];
          }
        }
        for (uint c = 0; c < BLOCK; ++c) {
          if (o0 + c >= p.out_channels) break;
          float wv = p.w.v[w_index + c * weight_channel_step];
          for (uint t = 0; t < PIXELS; ++t) acc[c * PIXELS + t] += wv * xv[t];
        }
      }
    }
  }

  for (uint c = 0; c < BLOCK; ++c) {
    uint o = o0 + c;
    if (o >= p.out_channels) break;
    float b = 0.0;
    if (p.has_bias != 0) b = p.bias.v[o];
    uint out_row = ((n * p.out_channels + o) * p.out_h + oh) * p.out_w;
    for (uint t = 0; t < PIXELS; ++t) {
      uint ow = ow0 + t * ow_step;
      if (ow >= p.out_w) break;
      p.y.v[out_row + ow] = acc[c * PIXELS + t] + b;
    }
  }
}

#elif defined(VARIANT_WEIGHT_GRAD)
layout(push_constant, scalar) uniform Push {
  DirectWeightPush p;
};

void main() {
  uint index = flat_index();
  uint taps = p.k * p.k;
  uint tap = index % taps;
  uint rest = index / taps;
  uint channel_blocks = (p.s_channels + BLOCK - 1) / BLOCK;
  uint b0 = (rest % channel_blocks) * BLOCK;
  rest /= channel_blocks;
  uint a = rest % p.g_channels;
  uint chunk = rest / p.g_channels;
  if (chunk >= p.chunks) return;
  uint kh = tap / p.k;
  uint kw = tap % p.k;

  float acc[BLOCK];
  for (uint c = 0; c < BLOCK; ++c) acc[c] = 0.0;
  uint row_begin = chunk * p.rows_per_chunk;
  uint row_end = min(row_begin + p.rows_per_chunk, p.batch * p.g_h);
  for (uint r = row_begin; r < row_end; ++r) {
    uint n = r / p.g_h;
    uint i = r % p.g_h;
    int sh = int(i * p.stride + kh) - int(p.pad);
    if (sh < 0 || sh >= int(p.s_h)) continue;
    uint g_row = ((n * p.g_channels + a) * p.g_h + i) * p.g_w;
    uint s_row = ((n * p.s_channels + b0) * p.s_h + uint(sh)) * p.s_w;
    uint s_channel_step = p.s_h * p.s_w;
    for (uint j = 0; j < p.g_w; ++j) {
      int sw = int(j * p.stride + kw) - int(p.pad);
      if (sw < 0) continue;
      if (sw >= int(p.s_w)) break;
      float gv = p.g.v[g_row + j];
      for (uint c = 0; c < BLOCK; ++c) {
        if (b0 + c >= p.s_channels) break;
        acc[c] += gv * p.s.v[s_row + c * s_channel_step + uint(sw)];
      }
    }
  }
  uint count = p.g_channels * p.s_channels * taps;
  for (uint c = 0; c < BLOCK; ++c) {
    if (b0 + c >= p.s_channels) break;
    p.dw.v[chunk * count + (a * p.s_channels + b0 + c) * taps + tap] = acc[c];
  }
}

#else  // VARIANT_WEIGHT_GRAD_REDUCE: dw = sum over chunks of the partial weight gradients
layout(push_constant, scalar) uniform Push {
  ChunkSumPush p;
};

void main() {
  uint i = flat_index();
  if (i >= p.count) return;
  float acc = 0.0;
  for (uint c = 0; c < p.chunks; ++c) acc += p.partial.v[c * p.count + i];
  p.dw.v[i] = acc;
}
#endif
