#version 460
// aegan-variants: data weight split_sum
// aegan-texel-variants: data weight
// aegan-half-variants: data
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#if defined(VARIANT_WEIGHT)
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#endif

// Convolutions as implicit register-blocked GEMMs (no column buffer; see
// engine/ops/conv_kernels.hpp for the formulas): C[m, n] = sum over r of A[m, r] * B[r, n], where
// B is read straight from the image. Each invocation accumulates a TM x TN tile: the TM rows are
// shared by its whole workgroup (so A's addresses are uniform: scalar loads on GPUs) and its TN
// columns are WG apart (neighbouring invocations read neighbouring addresses). Every product
// that lands in an output is summed by one invocation in a fixed order, so results are bitwise
// reproducible; nothing uses shared memory, barriers or subgroups.
//
// Out-of-range rows and columns are clamped to the last one (computed, never stored), so the
// inner loop has no edge branches; taps outside the image load index 0 and multiply by zero.

#if defined(VARIANT_DATA)
#include "conv_gemm_data.glsl"

layout(constant_id = 3) const uint TM = 8;
layout(constant_id = 4) const uint TN = 4;

void main() {
  const uint wg = gl_WorkGroupSize.x;
  const bool split = gl_NumWorkGroups.z > 1;
  uint ci_begin = gl_WorkGroupID.z * p.chunk_channels;
  uint ci_end = min(p.in_channels, ci_begin + p.chunk_channels);
  uint m0 = gl_WorkGroupID.y * TM;
  uint n0 = gl_WorkGroupID.x * wg * TN + gl_LocalInvocationID.x;
  bool transposed = p.transposed != 0;
  uint in_step = transposed ? 1 : p.stride;
  int d_step = transposed ? -1 : 1;
  uint k_step = transposed ? p.stride : 1;
  uint padded_rows = (p.out_channels + TM - 1) / TM * TM;
  uint plane = p.in_h * p.in_w;

  uint image_base[TN];
  int lane_h[TN];
  int lane_w[TN];
  [[unroll]] for (uint t = 0; t < TN; ++t) {
    uint n = min(n0 + t * wg, p.columns - 1);
    uint rest = n / p.col_w;
    lane_w[t] = int((n % p.col_w) * in_step);
    lane_h[t] = int((rest % p.col_h) * in_step);
    image_base[t] = (rest / p.col_h) * p.in_channels * plane;
  }

  float acc[TM * TN];
  [[unroll]] for (uint i = 0; i < TM * TN; ++i) acc[i] = 0.0;

  for (uint ci = ci_begin; ci < ci_end; ++ci) {
    for (uint th = 0; th < p.taps_h; ++th) {
      int dh = p.dh0 + int(th) * d_step;
      uint w_tap = (ci * p.k + p.kh0 + th * k_step) * p.k + p.kw0;
      uint row[TN];
      bool row_ok[TN];
      [[unroll]] for (uint t = 0; t < TN; ++t) {
        int ih = lane_h[t] + dh;
        row_ok[t] = uint(ih) < p.in_h;
        row[t] = image_base[t] + ci * plane + uint(ih) * p.in_w;
      }
      for (uint tw = 0; tw < p.taps_w; ++tw) {
        int dw = p.dw0 + int(tw) * d_step;
        float b[TN];
        [[unroll]] for (uint t = 0; t < TN; ++t) {
          int iw = lane_w[t] + dw;
          bool ok = row_ok[t] && uint(iw) < p.in_w;
          float v = LOAD_X(ok ? row[t] + uint(iw) : 0);
          b[t] = ok ? v : 0.0;
        }
        uint w_index = ((w_tap + tw * k_step) * padded_rows + m0) / 4;
        [[unroll]] for (uint q = 0; q < TM / 4; ++q) {
          vec4 a = LOAD_W4(w_index + q);
          [[unroll]] for (uint t = 0; t < TN; ++t) {
            acc[(4 * q) * TN + t] += a.x * b[t];
            acc[(4 * q + 1) * TN + t] += a.y * b[t];
            acc[(4 * q + 2) * TN + t] += a.z * b[t];
            acc[(4 * q + 3) * TN + t] += a.w * b[t];
          }
        }
      }
    }
  }

  uint slice =
      gl_WorkGroupID.z * (p.columns / (p.col_h * p.col_w)) * p.out_channels * p.out_h * p.out_w;
  [[unroll]] for (uint t = 0; t < TN; ++t) {
    uint n = n0 + t * wg;
    if (n >= p.columns) break;
    uint pixel = output_pixel(n, transposed);
    [[unroll]] for (uint r = 0; r < TM; ++r) {
      uint o = m0 + r;
      if (o >= p.out_channels) break;
      uint at = pixel + o * p.out_h * p.out_w;
      if (split) {
        p.y.v[slice + at] = acc[r * TN + t];
      } else {
        float bias = p.has_bias != 0 ? p.bias.v[o] : 0.0;
        p.y.v[at] = activate(acc[r * TN + t] + bias);
      }
    }
  }
}

#elif defined(VARIANT_SPLIT_SUM)
#include "common.glsl"
#include "conv_epilogue.glsl"
#include "conv_push.h"

// y = activate(the slices of a split data pass summed in ascending order + bias[channel]).
layout(push_constant, scalar) uniform Push {
  SplitSumPush p;
};

void main() {
  uint i = flat_index();
  if (i >= p.count) return;
  float sum = 0.0;
  for (uint s = 0; s < p.slices; ++s) sum += p.partial.v[s * p.count + i];
  float bias = p.has_bias != 0 ? p.bias.v[(i / p.plane) % p.channels] : 0.0;
  p.y.v[i] = activate(sum + bias);
}

#else  // VARIANT_WEIGHT
#include "common.glsl"
#include "conv_push.h"

// dw[a, b, kh, kw] = sum over (image, i, j) of g[image, a, i, j] * s[image, b, i * stride - pad +
// kh, ...]: A = g (m: channel a, r: pixel of g), B = taps of s (n: b, kh, kw). Workgroup z sums
// the rows (image, i) of chunk z into its own slice of `partial` ([chunks][M][N]); the chunks
// are then added in ascending order by conv.comp's weight_grad_reduce.
layout(push_constant, scalar) uniform Push {
  GemmWeightPush p;
};

layout(constant_id = 1) const uint TM = 8;
layout(constant_id = 2) const uint TN = 4;

// Loads of 4 consecutive floats: one vector load where llvmpipe would otherwise loop over the
// invocations of a SIMD vector once per float.
layout(buffer_reference, scalar, buffer_reference_align = 4) readonly buffer UnalignedVec4s {
  vec4 v[];
};

#if defined(TEXELS)
// Rows of g whose width is a multiple of 4 (in a 16-byte aligned tensor) are read a vec4 at a
// time: a quarter of the loads.
layout(constant_id = 4) const bool G_VEC4 = false;
#define LOAD_S(i) texelFetch(texels1, int(p.s_first + (i))).x
#define LOAD_G(i) texelFetch(texels0, int(p.g_first + (i))).x
#define LOAD_G4(i)                                          \
  (G_VEC4 ? texelFetch(texels2, int(p.g_first4 + (i) / 4)) \
          : vec4(LOAD_G(i), LOAD_G((i) + 1), LOAD_G((i) + 2), LOAD_G((i) + 3)))
#else
#define LOAD_S(i) p.s.v[i]
#define LOAD_G(i) p.g.v[i]
#define LOAD_G4(i) UnalignedVec4s(uint64_t(p.g) + 4 * uint64_t(i)).v[0]
#endif
// Columns of g per step of the main loop, 4 or 8; the last g_w % G_STEP go one at a time.
layout(constant_id = 3) const uint G_STEP = 4;

void main() {
  const uint wg = gl_WorkGroupSize.x;
  uint m0 = gl_WorkGroupID.y * TM;
  uint n0 = gl_WorkGroupID.x * wg * TN + gl_LocalInvocationID.x;
  uint chunk = gl_WorkGroupID.z;
  uint taps = p.k * p.k;
  uint s_plane = p.s_h * p.s_w;
  uint g_plane = p.g_h * p.g_w;

  uint lane_base[TN];
  int lane_h[TN];
  int lane_w[TN];
  [[unroll]] for (uint t = 0; t < TN; ++t) {
    uint n = min(n0 + t * wg, p.columns - 1);
    uint tap = n % taps;
    lane_base[t] = (n / taps) * s_plane;
    lane_h[t] = int(tap / p.k) - int(p.pad);
    lane_w[t] = int(tap % p.k) - int(p.pad);
  }
  uint g_row[TM];
  [[unroll]] for (uint r = 0; r < TM; ++r) g_row[r] = min(m0 + r, p.g_channels - 1) * g_plane;

  float acc[TM * TN];
  [[unroll]] for (uint i = 0; i < TM * TN; ++i) acc[i] = 0.0;

  uint row_begin = chunk * p.rows_per_chunk;
  uint row_end = min(row_begin + p.rows_per_chunk, p.rows);
  for (uint row_index = row_begin; row_index < row_end; ++row_index) {
    uint image = row_index / p.g_h;
    uint i = row_index % p.g_h;
    uint g_image = image * p.g_channels * g_plane + i * p.g_w;
    uint s_image = image * p.s_channels * s_plane;
    uint row[TN];
    bool row_ok[TN];
    [[unroll]] for (uint t = 0; t < TN; ++t) {
      int sh = int(i * p.stride) + lane_h[t];
      row_ok[t] = uint(sh) < p.s_h;
      row[t] = s_image + lane_base[t] + uint(sh) * p.s_w;
    }
    // G_STEP columns of g per iteration, each accumulator taking all their products before it
    // is stored (llvmpipe masks and stores every value a loop carries once per iteration).
    uint j = 0;
    for (; j + G_STEP <= p.g_w; j += G_STEP) {
      float b[G_STEP * TN];
      [[unroll]] for (uint u = 0; u < G_STEP; ++u) {
        [[unroll]] for (uint t = 0; t < TN; ++t) {
          int sw = int((j + u) * p.stride) + lane_w[t];
          bool ok = row_ok[t] && uint(sw) < p.s_w;
          float v = LOAD_S(ok ? row[t] + uint(sw) : 0);
          b[u * TN + t] = ok ? v : 0.0;
        }
      }
      [[unroll]] for (uint r = 0; r < TM; ++r) {
        vec4 a[G_STEP / 4];
        [[unroll]] for (uint v = 0; v < G_STEP / 4; ++v) a[v] = LOAD_G4(g_image + g_row[r] + j + 4 * v);
        [[unroll]] for (uint t = 0; t < TN; ++t) {
          float sum = acc[r * TN + t];
          [[unroll]] for (uint u = 0; u < G_STEP; ++u) sum += a[u / 4][u % 4] * b[u * TN + t];
          acc[r * TN + t] = sum;
        }
      }
    }
    for (; j < p.g_w; ++j) {
      float b[TN];
      [[unroll]] for (uint t = 0; t < TN; ++t) {
        int sw = int(j * p.stride) + lane_w[t];
        bool ok = row_ok[t] && uint(sw) < p.s_w;
        float v = LOAD_S(ok ? row[t] + uint(sw) : 0);
        b[t] = ok ? v : 0.0;
      }
      [[unroll]] for (uint r = 0; r < TM; ++r) {
        float a = LOAD_G(g_image + g_row[r] + j);
        [[unroll]] for (uint t = 0; t < TN; ++t) acc[r * TN + t] += a * b[t];
      }
    }
  }

  uint count = p.g_channels * p.columns;
  [[unroll]] for (uint t = 0; t < TN; ++t) {
    uint n = n0 + t * wg;
    if (n >= p.columns) break;
    [[unroll]] for (uint r = 0; r < TM; ++r) {
      uint a = m0 + r;
      if (a >= p.g_channels) break;
      p.partial.v[chunk * count + a * p.columns + n] = acc[r * TN + t];
    }
  }
}
#endif
