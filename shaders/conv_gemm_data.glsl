// The push constants of the GEMM data kernels (conv_gemm.comp's data variant, the experimental
// conv_tiled.comp), and where their columns' outputs go.
#include "conv_data.glsl"

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
  GemmDataPush p;
};

// The index into y of column n's output pixel in output channel 0.
uint output_pixel(uint n, bool transposed) {
  uint rest = n / p.col_w;
  uint ow = p.ow0 + (n % p.col_w) * (transposed ? p.stride : 1);
  uint oh = p.oh0 + (rest % p.col_h) * (transposed ? p.stride : 1);
  return (rest / p.col_h) * p.out_channels * p.out_h * p.out_w + oh * p.out_w + ow;
}
