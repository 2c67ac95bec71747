#version 460
// aegan-variants: data rows weight pack fold split_sum tiled coop coop_emulated
// aegan-texel-variants: data rows weight pack
// aegan-half-variants: data rows tiled pack
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#if defined(VARIANT_COOP) || defined(VARIANT_COOP_EMULATED)
#define HALF  // float16 weights, as the _half variants
#define HALF_PRODUCTS
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#endif
#if defined(VARIANT_COOP)
#extension GL_NV_cooperative_matrix : require
#extension GL_KHR_memory_scope_semantics : require
#extension GL_KHR_shader_subgroup_basic : require
#endif
#if defined(VARIANT_WEIGHT)
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#endif
#include "common.glsl"

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
layout(constant_id = 1) const uint TM = 8;
layout(constant_id = 2) const uint TN = 4;

// Inference epilogue of the data kernels (engine/ops/conv.cpp, conv2d_inference): the activation
// applied to each output as it is stored, 0 none, 1 ReLU, 2 leaky ReLU with slope SLOPE, 3 tanh.
layout(constant_id = 5) const uint ACT = 0;
layout(constant_id = 6) const float SLOPE = 0.0;

float activate(float v) {
  if (ACT == 1) return max(v, 0.0);
  if (ACT == 2) return v > 0.0 ? v : v * SLOPE;
  if (ACT == 3) {
    float e = exp(-2.0 * abs(v));  // saturates cleanly, like pointwise.comp's tanh
    return sign(v) * (1.0 - e) / (1.0 + e);
  }
  return v;
}

// Loads of 4 consecutive floats: one vector load where llvmpipe would otherwise loop over the
// invocations of a SIMD vector once per float.
layout(buffer_reference, scalar, buffer_reference_align = 4) readonly buffer UnalignedVec4s {
  vec4 v[];
};

// The _texel variants of data and weight read their inputs from the element offsets in the
// push constants' *_first fields on (the inputs' pointers are unused).

// How the data, rows and tiled variants read their input x and packed weights w. The _half
// variants read weights packed as float16 (VARIANT_PACK with HALF): half the bytes per load,
// every product and sum still in float32.
#if defined(TEXELS)
#define LOAD_X(i) texelFetch(texels0, int(p.x_first + (i))).x
#define LOAD_W4(i) texelFetch(texels1, int(p.w_first + (i)))
#else
#define LOAD_X(i) p.x.v[i]
#define LOAD_W4(i) vec4(p.w.v[i])
#endif
#if defined(HALF)
#define PACKED_WEIGHTS ConstHalf4s
#else
#define PACKED_WEIGHTS ConstVec4s
#endif

#if defined(HALF)
// The float16 bits of f, rounded to nearest even by hand: a conversion in SPIR-V rounds as the
// implementation chooses, and every device should compute with the same values.
uint half_bits(float f) {
  uint bits = floatBitsToUint(f);
  uint sign = (bits >> 16) & 0x8000u;
  float a = abs(f);
  if (isnan(f)) return sign | 0x7e00u;
  if (a >= 65520.0) return sign | 0x7c00u;  // rounds to infinity
  if (a < 6.103515625e-05) return sign | uint(roundEven(a * 16777216.0));  // subnormal, or zero
  uint h = ((((bits >> 23) & 0xffu) - 112u) << 10) | ((bits & 0x7fffffu) >> 13);
  uint rest = bits & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1u) != 0u)) ++h;  // may carry into the exponent
  return sign | h;
}
#endif

#if defined(VARIANT_DATA) || defined(VARIANT_TILED) || defined(HALF_PRODUCTS)
// A = weight (m: output channel, r: input channel and tap), B = input pixels, C = output. Columns
// n = (image, i, j) map to output pixel (oh0 + i * out_step, ow0 + j * out_step) and read input
// pixel (i * in_step + dh, j * in_step + dw) for the tap (th, tw) with dh = dh0 + th * d_step.
// - direct:     in_step = stride, out_step = 1, kh = th, dh = th - pad;
// - transposed: one dispatch per output phase (oh0, ow0) < stride, whose taps are
//               kh = kh0 + th * stride, read at dh = dh0 - th (in_step 1, out_step stride).
// With several workgroups along z (gemm_split), workgroup z sums input channels
// [z * chunk_channels, (z + 1) * chunk_channels) only and stores its raw sums in slice z of y,
// a partial buffer of one output tensor per slice, which VARIANT_SPLIT_SUM adds up: few outputs
// with long sums (small images, many channels) then still occupy a whole GPU.
layout(push_constant, scalar) uniform Push {
  ConstFloats x;
  PACKED_WEIGHTS w;  // [in_channels][k][k][out_channels rounded up to TM] (see VARIANT_PACK)
  ConstFloats bias;
  Floats y;
  uint out_channels;  // M
  uint columns;       // N = images * col_h * col_w
  uint col_h;
  uint col_w;
  uint in_channels;
  uint in_h;
  uint in_w;
  uint out_h;
  uint out_w;
  uint oh0;
  uint ow0;
  int dh0;
  int dw0;
  uint kh0;
  uint kw0;
  uint taps_h;
  uint taps_w;
  uint k;
  uint stride;
  uint transposed;
  uint has_bias;
  uint x_first;  // texel variant: x is texels0[x_first...] (R32F), w texels1[w_first...] (RGBA32F)
  uint w_first;
  uint chunk_channels;
} p;

// The index into y of column n's output pixel in output channel 0.
uint output_pixel(uint n, bool transposed) {
  uint rest = n / p.col_w;
  uint ow = p.ow0 + (n % p.col_w) * (transposed ? p.stride : 1);
  uint oh = p.oh0 + (rest % p.col_h) * (transposed ? p.stride : 1);
  return (rest / p.col_h) * p.out_channels * p.out_h * p.out_w + oh * p.out_w + ow;
}

#if defined(VARIANT_DATA)
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

#else  // VARIANT_TILED, VARIANT_COOP, VARIANT_COOP_EMULATED
// The data pass with shared-memory tiles (for GPUs, where a barrier is cheap and global loads
// are not): a workgroup of 256 invocations computes 64 output channels x 64 columns. Per step of
// 16 reduction indices r = (input channel, tap) the workgroup stages the 16 x 64 weights and the
// 16 x 64 input values it needs in shared memory, every one loaded from device memory once per
// workgroup instead of once per invocation that uses it. Weights are packed in tiles of 64 rows.
// Invocation id loads row `step_row` = id / 16 of both tiles: the weights of output channels
// m0 + 4 * quad... and the input values of columns n0 + 4 * quad... (quad = id % 16).
const uint TILE = 64;
const uint STEP = 16;

// What an invocation needs to find the input values of its four columns.
struct Quad {
  uint image_base[4];
  int lane_h[4];
  int lane_w[4];
  bool ok[4];
};

Quad quad_columns(uint n_first, uint in_step, uint plane) {
  Quad c;
  [[unroll]] for (uint j = 0; j < 4; ++j) {
    uint n = n_first + j;
    c.ok[j] = n < p.columns;
    n = min(n, p.columns - 1);
    uint rest = n / p.col_w;
    c.lane_w[j] = int((n % p.col_w) * in_step);
    c.lane_h[j] = int((rest % p.col_h) * in_step);
    c.image_base[j] = (rest / p.col_h) * p.in_channels * plane;
  }
  return c;
}

// Reduction index r's weights for output channels m0 + 4 * quad... (a) and input values for the
// four columns of c (b); zeros past the last index.
void load_step(uint r, uint m0, uint quad, Quad c, out vec4 a, out vec4 b) {
  a = vec4(0.0);
  b = vec4(0.0);
  uint taps = p.taps_h * p.taps_w;
  if (r >= p.in_channels * taps) return;
  bool transposed = p.transposed != 0;
  int d_step = transposed ? -1 : 1;
  uint k_step = transposed ? p.stride : 1;
  uint padded_rows = (p.out_channels + TILE - 1) / TILE * TILE;
  uint ci = r / taps;
  uint th = (r % taps) / p.taps_w;
  uint tw = r % p.taps_w;
  uint w_tap = (ci * p.k + p.kh0 + th * k_step) * p.k + p.kw0 + tw * k_step;
  a = LOAD_W4((w_tap * padded_rows + m0) / 4 + quad);
  int dh = p.dh0 + int(th) * d_step;
  int dw = p.dw0 + int(tw) * d_step;
  uint plane = p.in_h * p.in_w;
  [[unroll]] for (uint j = 0; j < 4; ++j) {
    int ih = c.lane_h[j] + dh;
    int iw = c.lane_w[j] + dw;
    bool ok = c.ok[j] && uint(ih) < p.in_h && uint(iw) < p.in_w;
    float v = LOAD_X(ok ? c.image_base[j] + ci * plane + uint(ih) * p.in_w + uint(iw) : 0);
    b[j] = ok ? v : 0.0;
  }
}

// Stores output channel o of column n (unstored past the last of either).
void store_output(uint o, uint n, float sum) {
  if (o >= p.out_channels || n >= p.columns) return;
  float bias = p.has_bias != 0 ? p.bias.v[o] : 0.0;
  p.y.v[output_pixel(n, p.transposed != 0) + o * p.out_h * p.out_w] = activate(sum + bias);
}

#if defined(VARIANT_TILED)
shared vec4 a_tile[STEP][TILE / 4];
shared vec4 b_tile[STEP][TILE / 4];

// Invocation id computes output channels m0 + 4 * step_row... of columns n0 + 4 * quad....
void main() {
  uint id = gl_LocalInvocationID.x;
  uint m0 = gl_WorkGroupID.y * TILE;
  uint n0 = gl_WorkGroupID.x * TILE;
  uint step_row = id / (TILE / 4);
  uint quad = id % (TILE / 4);
  uint in_step = p.transposed != 0 ? 1 : p.stride;
  Quad columns = quad_columns(n0 + 4 * quad, in_step, p.in_h * p.in_w);
  uint depth = p.in_channels * p.taps_h * p.taps_w;
  vec4 acc[4] = vec4[4](vec4(0.0), vec4(0.0), vec4(0.0), vec4(0.0));
  for (uint r0 = 0; r0 < depth; r0 += STEP) {
    vec4 a, b;
    load_step(r0 + step_row, m0, quad, columns, a, b);
    a_tile[step_row][quad] = a;
    b_tile[step_row][quad] = b;
    barrier();
    [[unroll]] for (uint s = 0; s < STEP; ++s) {
      vec4 w = a_tile[s][step_row];
      vec4 v = b_tile[s][quad];
      acc[0] += w.x * v;
      acc[1] += w.y * v;
      acc[2] += w.z * v;
      acc[3] += w.w * v;
    }
    barrier();
  }
  [[unroll]] for (uint c = 0; c < 4; ++c) {
    [[unroll]] for (uint q = 0; q < 4; ++q) {
      store_output(m0 + 4 * step_row + q, n0 + 4 * quad + c, acc[q][c]);
    }
  }
}

#else  // VARIANT_COOP, VARIANT_COOP_EMULATED
// The tiled kernel on tensor cores: both operands staged as float16 (weights packed as float16,
// input values rounded to nearest even as they are staged), products summed in float32. coop
// multiplies through VK_NV_cooperative_matrix: each of the 8 subgroups of 32 invocations owns
// a 16 x 32 block of the 64 x 64 tile, two 16 x 16 accumulators, and per step multiplies a
// 16 x 16 block of weights by two 16 x 16 blocks of input values. coop_emulated computes the
// same sums with plain float32 arithmetic from the same shared tiles (4 x 4 outputs per
// invocation), so that devices without the extension (every test machine without an NVIDIA
// GPU) check the staging, the rounding and the stores that coop shares with it.
shared float16_t a_half[STEP * TILE];  // [r][m]: A (m x r) column-major
shared float16_t b_half[STEP * TILE];  // [r][n]: B (r x n) row-major
shared float c_tile[TILE * TILE];      // [m][n]

float half_rounded(float v) {
  return unpackHalf2x16(half_bits(v)).x;
}

void main() {
  uint id = gl_LocalInvocationID.x;
  uint m0 = gl_WorkGroupID.y * TILE;
  uint n0 = gl_WorkGroupID.x * TILE;
  uint step_row = id / (TILE / 4);
  uint quad = id % (TILE / 4);
  uint in_step = p.transposed != 0 ? 1 : p.stride;
  Quad columns = quad_columns(n0 + 4 * quad, in_step, p.in_h * p.in_w);
  uint depth = p.in_channels * p.taps_h * p.taps_w;
#if defined(VARIANT_COOP)
  uint block_m = 16 * (gl_SubgroupID / 2);
  uint block_n = 32 * (gl_SubgroupID % 2);
  fcoopmatNV<32, gl_ScopeSubgroup, 16, 16> acc[2];
  acc[0] = fcoopmatNV<32, gl_ScopeSubgroup, 16, 16>(0.0);
  acc[1] = fcoopmatNV<32, gl_ScopeSubgroup, 16, 16>(0.0);
#else
  vec4 acc[4] = vec4[4](vec4(0.0), vec4(0.0), vec4(0.0), vec4(0.0));
#endif
  for (uint r0 = 0; r0 < depth; r0 += STEP) {
    vec4 a, b;
    load_step(r0 + step_row, m0, quad, columns, a, b);
    [[unroll]] for (uint j = 0; j < 4; ++j) {
      a_half[step_row * TILE + 4 * quad + j] = float16_t(a[j]);  // already float16 values
      b_half[step_row * TILE + 4 * quad + j] = float16_t(half_rounded(b[j]));
    }
    barrier();
#if defined(VARIANT_COOP)
    fcoopmatNV<16, gl_ScopeSubgroup, 16, 16> weights;
    coopMatLoadNV(weights, a_half, block_m, TILE, true);
    [[unroll]] for (uint j = 0; j < 2; ++j) {
      fcoopmatNV<16, gl_ScopeSubgroup, 16, 16> values;
      coopMatLoadNV(values, b_half, block_n + 16 * j, TILE, false);
      acc[j] = coopMatMulAddNV(weights, values, acc[j]);
    }
#else
    [[unroll]] for (uint s = 0; s < STEP; ++s) {
      uint w = s * TILE + 4 * step_row;
      uint v = s * TILE + 4 * quad;
      vec4 values = vec4(b_half[v], b_half[v + 1], b_half[v + 2], b_half[v + 3]);
      [[unroll]] for (uint q = 0; q < 4; ++q) acc[q] += float(a_half[w + q]) * values;
    }
#endif
    barrier();
  }
#if defined(VARIANT_COOP)
  [[unroll]] for (uint j = 0; j < 2; ++j) {
    coopMatStoreNV(acc[j], c_tile, block_m * TILE + block_n + 16 * j, TILE, false);
  }
#else
  [[unroll]] for (uint q = 0; q < 4; ++q) {
    [[unroll]] for (uint c = 0; c < 4; ++c) c_tile[(4 * step_row + q) * TILE + 4 * quad + c] = acc[q][c];
  }
#endif
  barrier();
  // Neighbouring invocations store neighbouring columns (output pixels).
  uint n = id % TILE;
  [[unroll]] for (uint m = id / TILE; m < TILE; m += gl_WorkGroupSize.x / TILE) {
    store_output(m0 + m, n0 + n, c_tile[m * TILE + n]);
  }
}
#endif
#endif

#elif defined(VARIANT_SPLIT_SUM)
// y = activate(the slices of a split data pass summed in ascending order + bias[channel]).
layout(push_constant, scalar) uniform Push {
  ConstFloats partial;  // [slices][count]
  ConstFloats bias;
  Floats y;
  uint count;
  uint slices;
  uint plane;  // out_h * out_w
  uint channels;
  uint has_bias;
} p;

void main() {
  uint i = flat_index();
  if (i >= p.count) return;
  float sum = 0.0;
  for (uint s = 0; s < p.slices; ++s) sum += p.partial.v[s * p.count + i];
  float bias = p.has_bias != 0 ? p.bias.v[(i / p.plane) % p.channels] : 0.0;
  p.y.v[i] = activate(sum + bias);
}

#elif defined(VARIANT_ROWS)
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
layout(constant_id = 3) const uint IN_STEP = 1;
layout(constant_id = 4) const uint TAPS_W = 1;
layout(constant_id = 7) const uint TAPS_H = 1;
// Direct 4x4 problems on CPU devices read the weights as they are, [out][in][4][4], a vec4 per
// kernel row of one output channel (w then points at them): as many loads as from the packed
// weights, and no packing per weight version (conv_kernels.cpp, rows_unpacked).
layout(constant_id = 8) const bool UNPACKED = false;
layout(constant_id = 9) const bool BOUNDED = false;
const uint SPAN = (TN - 1) * IN_STEP + TAPS_W;

// One output phase of the dispatch (all phases of one dispatch share taps and run length): its
// outputs (oh0 + i * out_step, ow0 + j * out_step), i < col_h, j < col_w, in tiles_w runs per
// row (tiles in all), reading padded rows from off_h (columns alike). Its first kernel row and
// column are in the push constants' k_bases: the weights' addresses must stay visibly uniform
// (llvmpipe then loads each weight once per SIMD vector instead of once per lane; reading them
// from this table made some layers 1.5x slower).
struct RowsPhase {
  uint tiles;  // images * col_h * tiles_w
  uint col_h;
  uint col_w;
  uint tiles_w;
  uint oh0;
  uint ow0;
  uint off_h;
  uint off_w;
};

layout(buffer_reference, scalar, buffer_reference_align = 4) readonly buffer ConstPhases {
  RowsPhase v[];
};

layout(push_constant, scalar) uniform Push {
  ConstFloats x;  // input [images][in_channels][in_h][in_w]
  PACKED_WEIGHTS w;  // packed as for the data variant
  ConstFloats bias;
  Floats y;
  ConstPhases phases;  // one per workgroup z
  uint out_channels;
  uint in_channels;
  uint in_h;
  uint in_w;
  uint out_h;
  uint out_w;
  uint out_step;
  int k_step;
  uint k;
  uint has_bias;
  uint x_first;  // texel variant: x is texels0[x_first...] (R32F), w texels1[w_first...] (RGBA32F)
  uint w_first;
  uint k_bases[4];  // phase z: kh_base in bits 8 * z.., kw_base in bits 8 * z + 4.. (z < 16)
  uint margin;
} p;

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

#elif defined(VARIANT_WEIGHT)
// dw[a, b, kh, kw] = sum over (image, i, j) of g[image, a, i, j] * s[image, b, i * stride - pad +
// kh, ...]: A = g (m: channel a, r: pixel of g), B = taps of s (n: b, kh, kw). Workgroup z sums
// the rows (image, i) of chunk z into its own slice of `partial` ([chunks][M][N]); the chunks
// are then added in ascending order by conv.comp's weight_grad_reduce.
layout(push_constant, scalar) uniform Push {
  ConstFloats g;
  ConstFloats s;
  Floats partial;
  uint g_channels;  // M
  uint columns;     // N = s_channels * k * k
  uint g_h;
  uint g_w;
  uint s_channels;
  uint s_h;
  uint s_w;
  uint k;
  uint stride;
  uint pad;
  uint rows;  // images * g_h
  uint rows_per_chunk;
  uint g_first;  // texel variant: g is texels0[g_first...], s is texels1[s_first...] (R32F)
  uint s_first;
  uint g_first4;  // texel variant with G_VEC4: g is also texels2[g_first4...] (RGBA32F)
} p;

#if defined(TEXELS)
// Rows of g whose width is a multiple of 4 (in a 16-byte aligned tensor) are read a vec4 at a
// time: a quarter of the loads.
layout(constant_id = 3) const bool G_VEC4 = false;
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
layout(constant_id = 4) const uint G_STEP = 4;

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

#elif defined(VARIANT_FOLD)
// Batch norm in evaluation folded into the convolution before it: BN(conv_w(x) + b) =
// conv_{w * scale}(x) + shift per output channel, scale = gamma / sqrt(var + eps) and
// shift = (b - mean) * scale + beta. folded = [scale..., shift...].
layout(push_constant, scalar) uniform Push {
  ConstFloats gamma;
  ConstFloats beta;
  ConstFloats mean;
  ConstFloats var;
  ConstFloats bias;  // the convolution's; unused without has_bias
  Floats folded;
  uint channels;
  uint has_bias;
  float eps;
} p;

void main() {
  uint c = flat_index();
  if (c >= p.channels) return;
  float scale = p.gamma.v[c] / sqrt(p.var.v[c] + p.eps);
  float bias = p.has_bias != 0 ? p.bias.v[c] : 0.0;
  p.folded.v[c] = scale;
  p.folded.v[p.channels + c] = (bias - p.mean.v[c]) * scale + p.beta.v[c];
}

#else  // VARIANT_PACK
// Weights of a data pass as the GEMM reads them: packed[(ci * k + kh) * k + kw][o], each row of
// output channels zero-padded to a multiple of TM so that a tile's rows are whole aligned vec4s;
// with has_scale, each output channel's weights are multiplied by scale[o] (VARIANT_FOLD). With
// HALF, stored as float16 for the _half data kernels.
layout(push_constant, scalar) uniform Push {
  ConstFloats w;
  Floats packed;
  ConstFloats scale;
  uint out_channels;
  uint in_channels;
  uint taps;
  uint padded_rows;
  uint transposed;
  uint has_scale;
} p;

// Source index of weight (o, row) for packed row = ci * taps + tap.
uint source_index(uint o, uint row) {
  if (p.transposed != 0) return ((row / p.taps) * p.out_channels + o) * p.taps + row % p.taps;
  return o * p.in_channels * p.taps + row;
}

#if defined(HALF)
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
layout(constant_id = 3) const bool BLOCKS = false;

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
