#version 460
// aegan-variants: data coop coop_emulated
// aegan-half-variants: data
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#if defined(VARIANT_COOP) || defined(VARIANT_COOP_EMULATED)
#define HALF  // float16 weights, as the _half variants
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#endif
#if defined(VARIANT_COOP)
#extension GL_NV_cooperative_matrix : require
#extension GL_KHR_memory_scope_semantics : require
#extension GL_KHR_shader_subgroup_basic : require
#endif
// Experiments (engine/ops/experimental/conv_tiled.cpp): no rule picks these kernels, and none
// has run on a GPU yet.
#include "conv_gemm_data.glsl"

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

#if defined(VARIANT_DATA)
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
#include "float16.glsl"

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
