#ifndef AEGAN_SHADERS_CONV_PUSH_H
#define AEGAN_SHADERS_CONV_PUSH_H
// The push constants of the convolution kernels, for the shaders (each declares its block as
// `layout(push_constant, scalar) uniform Push { SomePush p; };`) and for the host code that fills
// them (engine/ops/conv_*.cpp). Device addresses come first, then 32-bit values, so the C++
// structs have the GLSL scalar layout. ADDRESS(type) is a buffer reference of that type in GLSL
// and a VkDeviceAddress in C++.
#ifdef __cplusplus
#include <vulkan/vulkan.h>

#include <cstdint>
#define ADDRESS(glsl_type) VkDeviceAddress
namespace aegan::ops::conv {
using uint = std::uint32_t;
static_assert(sizeof(int) == 4);
#else
#define ADDRESS(glsl_type) glsl_type
// Packed weights (conv_pack.comp): float16 for the _half kernels, else float32.
#if defined(HALF)
#define PACKED_WEIGHTS ConstHalf4s
#else
#define PACKED_WEIGHTS ConstVec4s
#endif
#endif

// conv.comp's forward and transposed variants (the blocked and direct kernels).
struct DirectDataPush {
  ADDRESS(ConstFloats) x;
  ADDRESS(ConstFloats) w;
  ADDRESS(ConstFloats) bias;
  ADDRESS(Floats) y;
  uint batch;
  uint in_channels;
  uint in_h;
  uint in_w;
  uint out_channels;
  uint out_h;
  uint out_w;
  uint k;
  uint stride;
  uint pad;
  uint has_bias;
  uint column_groups;  // invocations along one output row
};

// conv.comp's weight_grad.
struct DirectWeightPush {
  ADDRESS(ConstFloats) g;
  ADDRESS(ConstFloats) s;
  ADDRESS(Floats) dw;  // [chunks][g_channels][s_channels][k][k]
  uint batch;
  uint g_channels;
  uint g_h;
  uint g_w;
  uint s_channels;
  uint s_h;
  uint s_w;
  uint k;
  uint stride;
  uint pad;
  uint rows_per_chunk;  // rows (n, i) of g per chunk
  uint chunks;
};

// conv.comp's weight_grad_reduce: the chunks of a weight gradient added in ascending order.
struct ChunkSumPush {
  ADDRESS(ConstFloats) partial;  // [chunks][count]
  ADDRESS(Floats) dw;
  uint count;
  uint chunks;
};

// conv_gemm.comp's data variant and the experimental tiled kernels (conv_gemm_data.glsl).
struct GemmDataPush {
  ADDRESS(ConstFloats) x;
  ADDRESS(PACKED_WEIGHTS) w;  // [in_channels][k][k][out_channels rounded up to TM]
  ADDRESS(ConstFloats) bias;
  ADDRESS(Floats) y;
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
  uint chunk_channels;  // input channels per workgroup z (gemm_split)
};

// conv_gemm.comp's split_sum.
struct SplitSumPush {
  ADDRESS(ConstFloats) partial;  // [slices][count]
  ADDRESS(ConstFloats) bias;
  ADDRESS(Floats) y;
  uint count;
  uint slices;
  uint plane;  // out_h * out_w
  uint channels;
  uint has_bias;
};

// conv_gemm.comp's weight variant.
struct GemmWeightPush {
  ADDRESS(ConstFloats) g;
  ADDRESS(ConstFloats) s;
  ADDRESS(Floats) partial;
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
};

// One output phase of a conv_rows.comp dispatch (all phases of one dispatch share taps and run
// length): its outputs (oh0 + i * out_step, ow0 + j * out_step), i < col_h, j < col_w, in tiles_w
// runs per row (tiles in all), reading padded rows from off_h (columns alike). Its first kernel
// row and column are in the push constants' k_bases: the weights' addresses must stay visibly
// uniform (llvmpipe then loads each weight once per SIMD vector instead of once per lane; reading
// them from this table made some layers 1.5x slower).
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

#ifndef __cplusplus
layout(buffer_reference, scalar, buffer_reference_align = 4) readonly buffer ConstPhases {
  RowsPhase v[];
};
#endif

// conv_rows.comp.
struct RowsPush {
  ADDRESS(ConstFloats) x;     // input [images][in_channels][in_h][in_w]
  ADDRESS(PACKED_WEIGHTS) w;  // packed as for GemmDataPush, or unpacked (UNPACKED)
  ADDRESS(ConstFloats) bias;
  ADDRESS(Floats) y;
  ADDRESS(ConstPhases) phases;  // one per workgroup z
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
  uint margin;      // rows and columns of zeros before the input
};

// conv_pack.comp's weights variant.
struct PackPush {
  ADDRESS(ConstFloats) w;
  ADDRESS(Floats) packed;
  ADDRESS(ConstFloats) scale;
  uint out_channels;
  uint in_channels;
  uint taps;
  uint padded_rows;
  uint transposed;
  uint has_scale;
};

// conv_pack.comp's fold variant.
struct FoldPush {
  ADDRESS(ConstFloats) gamma;
  ADDRESS(ConstFloats) beta;
  ADDRESS(ConstFloats) mean;
  ADDRESS(ConstFloats) var;
  ADDRESS(ConstFloats) bias;  // the convolution's; unused without has_bias
  ADDRESS(Floats) folded;
  uint channels;
  uint has_bias;
  float eps;
};

#undef ADDRESS
#ifdef __cplusplus
}  // namespace aegan::ops::conv
#endif
#endif
