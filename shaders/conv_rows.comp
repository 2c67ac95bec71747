#version 460
// aegan-variants: data
// aegan-texel-variants: data
// aegan-half-variants: data
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "conv_data.glsl"

// The data pass as a GEMM whose columns are runs of TN neighbouring outputs of one output row
// (one phase of a transposed convolution): C[m, (image, i, j0..j0+TN-1)]. For each input channel
// and tap row an invocation loads the input span its run reads for all TAPS_W taps of the row
// once, (TN - 1) * IN_STEP + TAPS_W values, and takes every tap's values out of it, where the
// data kernel loads TN values per tap. Rows and columns count from `margin` zeros before the
// input: tap rows th = 0..TAPS_H - 1 read padded row i * IN_STEP + off_h + th and use kernel row
// kh_base + th * k_step (k_step 1 direct, -stride transposed); columns alike. Where runs can reach
// outside the input (BOUNDED), such loads give 0; the rest load without checks.
// Every tap of an input channel goes into one accumulator before the next: the tile does not fit
// in registers on a CPU, and llvmpipe masks each value a loop carries once per iteration, so
// each accumulator is loaded, masked and stored once per input channel rather than once per tap
// (1.6x to 2x on lavapipe against a loop over tap rows with taps innermost).
layout(constant_id = 3) const uint TM = 8;
layout(constant_id = 4) const uint TN = 4;
layout(constant_id = 5) const uint IN_STEP = 1;
layout(constant_id = 6) const uint TAPS_W = 1;
layout(constant_id = 7) const uint TAPS_H = 1;
// Direct 4x4 problems on CPU devices read the weights as they are, [out][in][4][4], a vec4 per
// kernel row of one output channel (w then points at them): as many loads as from the packed
// weights, and no packing per weight version (conv_kernels.cpp, rows_unpacked).
layout(constant_id = 8) const bool UNPACKED = false;
layout(constant_id = 9) const bool BOUNDED = false;
const uint SPAN = (TN - 1) * IN_STEP + TAPS_W;

layout(push_constant, scalar) uniform Push {
  RowsPush p;
};

void main() {
  RowsPhase ph = p.phases.v[gl_WorkGroupID.z];
  uint k_base = p.k_bases[gl_WorkGroupID.z / 4] >> (8 * (gl_WorkGroupID.z % 4));
  int kh_base = int(k_base & 15u);
  int kw_base = int((k_base >> 4) & 15u);
  uint m0 = gl_WorkGroupID.y * TM;
  uint id = gl_WorkGroupID.x * gl_WorkGroupSize.x + gl_LocalInvocationID.x;
  uint tile = min(id, ph.tiles - 1);
  uint j0 = (tile % ph.tiles_w) * TN;
  uint rest = tile / ph.tiles_w;
  uint i = rest % ph.col_h;
  uint image = rest / ph.col_h;
  uint padded_rows = (p.out_channels + TM - 1) / TM * TM;
  uint plane = p.in_h * p.in_w;
  int r0 = int(i * IN_STEP + ph.off_h) - int(p.margin);
  int c0 = int(j0 * IN_STEP + ph.off_w) - int(p.margin);
  int base = int(image * p.in_channels * plane) + r0 * int(p.in_w) + c0;
  // What the stores need, worked out now so that only three values stay live through the loop
  // (llvmpipe spills what the accumulators leave no room for): where the run's first output
  // goes in output channel 0, and how many of its outputs to store (none for clamped copies).
  uint out_plane = p.out_h * p.out_w;
  uint first_out = image * p.out_channels * out_plane + (ph.oh0 + i * p.out_step) * p.out_w +
                   ph.ow0 + j0 * p.out_step;
  uint stored = id < ph.tiles ? min(TN, ph.col_w - j0) : 0;

  float acc[TM * TN];
  [[unroll]] for (uint a = 0; a < TM * TN; ++a) acc[a] = 0.0;

  for (uint ci = 0; ci < p.in_channels; ++ci) {
    float span[TAPS_H][SPAN];
    [[unroll]] for (uint th = 0; th < TAPS_H; ++th) {
      int at = base + int(ci * plane + th * p.in_w);
      bool row_in = uint(r0 + int(th)) < p.in_h;
      [[unroll]] for (uint s = 0; s < SPAN; ++s) {
        if (BOUNDED) {
          bool in_x = row_in && uint(c0 + int(s)) < p.in_w;
          span[th][s] = mix(0.0, LOAD_X(mix(0u, uint(at + int(s)), in_x)), in_x);
        } else {
          span[th][s] = LOAD_X(uint(at + int(s)));
        }
      }
    }
    [[unroll]] for (uint q = 0; q < TM / 4; ++q) {
      vec4 a[TAPS_H][TAPS_W];
      if (UNPACKED) {
        [[unroll]] for (uint r = 0; r < 4; ++r) {
          uint o = min(m0 + 4 * q + r, p.out_channels - 1);
          [[unroll]] for (uint th = 0; th < TAPS_H; ++th) {
            vec4 kernel_row = LOAD_W4((o * p.in_channels + ci) * 4 + th);
            [[unroll]] for (uint tw = 0; tw < TAPS_W; ++tw) a[th][tw][r] = kernel_row[tw];
          }
        }
      } else {
        [[unroll]] for (uint th = 0; th < TAPS_H; ++th) {
          uint w_row = (ci * p.k + uint(kh_base + int(th) * p.k_step)) * p.k;
          [[unroll]] for (uint tw = 0; tw < TAPS_W; ++tw) {
            uint w_tap = w_row + uint(kw_base + int(tw) * p.k_step);
            a[th][tw] = LOAD_W4((w_tap * padded_rows + m0) / 4 + q);
          }
        }
      }
      [[unroll]] for (uint r = 0; r < 4; ++r) {
        [[unroll]] for (uint t = 0; t < TN; ++t) {
          float sum = acc[(4 * q + r) * TN + t];
          [[unroll]] for (uint th = 0; th < TAPS_H; ++th) {
            [[unroll]] for (uint tw = 0; tw < TAPS_W; ++tw) {
              sum += a[th][tw][r] * span[th][tw + t * IN_STEP];
            }
          }
          acc[(4 * q + r) * TN + t] = sum;
        }
      }
    }
  }

  [[unroll]] for (uint t = 0; t < TN; ++t) {
    if (t >= stored) break;
    [[unroll]] for (uint r = 0; r < TM; ++r) {
      uint o = m0 + r;
      if (o >= p.out_channels) break;
      float bias = p.has_bias != 0 ? p.bias.v[o] : 0.0;
      p.y.v[first_out + o * out_plane + t * p.out_step] = activate(acc[r * TN + t] + bias);
    }
  }
}
