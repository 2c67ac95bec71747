#version 460
// aegan-variants: weights fold
// aegan-texel-variants: weights
// aegan-half-variants: weights
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"
#include "conv_push.h"

#if defined(VARIANT_FOLD)
// Batch norm in evaluation folded into the convolution before it: BN(conv_w(x) + b) =
// conv_{w * scale}(x) + shift per output channel, scale = gamma / sqrt(var + eps) and
// shift = (b - mean) * scale + beta. folded = [scale..., shift...].
layout(push_constant, scalar) uniform Push {
  FoldPush p;
};

void main() {
  uint c = flat_index();
  if (c >= p.channels) return;
  float scale = p.gamma.v[c] / sqrt(p.var.v[c] + p.eps);
  float bias = p.has_bias != 0 ? p.bias.v[c] : 0.0;
  p.folded.v[c] = scale;
  p.folded.v[p.channels + c] = (bias - p.mean.v[c]) * scale + p.beta.v[c];
}

#else  // VARIANT_WEIGHTS
// Weights of a data pass as the GEMM reads them: packed[(ci * k + kh) * k + kw][o], each row of
// output channels zero-padded to a multiple of TM so that a tile's rows are whole aligned vec4s;
// with has_scale, each output channel's weights are multiplied by scale[o] (VARIANT_FOLD). With
// HALF, stored as float16 for the _half data kernels.
layout(push_constant, scalar) uniform Push {
  PackPush p;
};

// Source index of weight (o, row) for packed row = ci * taps + tap.
uint source_index(uint o, uint row) {
  if (p.transposed != 0) return ((row / p.taps) * p.out_channels + o) * p.taps + row % p.taps;
  return o * p.in_channels * p.taps + row;
}

#if defined(HALF)
#include "float16.glsl"

// packed holds float16 bits, four per 8 bytes.
layout(buffer_reference, scalar, buffer_reference_align = 8) buffer Uvec2s {
  uvec2 v[];
};

void store_packed(uint quad, vec4 v) {
  Uvec2s(p.packed).v[quad] =
      uvec2(half_bits(v.x) | (half_bits(v.y) << 16), half_bits(v.z) | (half_bits(v.w) << 16));
}
#else
void store_packed(uint quad, vec4 v) {
  Vec4s(p.packed).v[quad] = v;
}
#endif

// BLOCKS: each invocation moves a 4 x 4 block (four output channels of four consecutive packed
// rows): four vector loads of 16 contiguous bytes, transposed in registers, four vector stores,
// where the scalar path gathers single floats from rows in_channels * taps apart. Neighbouring
// invocations take neighbouring output channels, so their stores fill whole cache lines (the
// pack ran 1.4x faster on lavapipe than with neighbouring rows, whose loads share lines). It
// needs rows of whole vec4s in the source: in_channels * taps (direct) or taps (transposed) a
// multiple of 4.
layout(constant_id = 1) const bool BLOCKS = false;

void main() {
  uint rows = p.in_channels * p.taps;
  if (BLOCKS) {
    uint block = flat_index();
    uint quads = p.padded_rows / 4;
    if (block >= rows / 4 * quads) return;
    uint o0 = 4 * (block % quads);
    uint row0 = 4 * (block / quads);
    vec4 column[4];  // column[c] = weights of output channel o0 + c for rows row0..row0 + 3
    [[unroll]] for (uint c = 0; c < 4; ++c) {
      uint o = o0 + c;
      column[c] = vec4(0.0);
      if (o < p.out_channels) {
        column[c] = READ4(0, ConstVec4s(p.w), source_index(o, row0) / 4);
        if (p.has_scale != 0) column[c] *= p.scale.v[o];
      }
    }
    [[unroll]] for (uint u = 0; u < 4; ++u) {
      store_packed(((row0 + u) * p.padded_rows + o0) / 4,
                   vec4(column[0][u], column[1][u], column[2][u], column[3][u]));
    }
    return;
  }
  // Otherwise each invocation writes four consecutive output channels (padded_rows is a multiple
  // of 4) with one vector store.
  uint quad = flat_index();
  if (quad >= rows * p.padded_rows / 4) return;
  uint o0 = (4 * quad) % p.padded_rows;
  uint row = (4 * quad) / p.padded_rows;
  vec4 v = vec4(0.0);
  [[unroll]] for (uint c = 0; c < 4; ++c) {
    uint o = o0 + c;
    if (o < p.out_channels) {
      v[c] = READ(0, p.w, source_index(o, row));
      if (p.has_scale != 0) v[c] *= p.scale.v[o];
    }
  }
  store_packed(quad, v);
}
#endif
