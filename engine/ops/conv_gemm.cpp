// The GEMM data family (shaders/conv_gemm.comp, data and split_sum): `gemm`, `gemm_texel` and
// `gemm_split`, implicit GEMMs with register tiles and no barriers.
#include <algorithm>

#include "engine/ops/conv_families.hpp"
#include "shaders.hpp"

namespace aegan::ops::conv {
namespace {

// The input channels of gemm_split's workgroups z: `slices` chunks of `chunk` channels (the
// last may be shorter).
struct ChannelSplit {
  int64_t slices = 1, chunk = 0;
};

// Fewest input channels per slice: fewer would make the partial sums' traffic dominate.
constexpr int64_t kMinSplitChannels = 4;

ChannelSplit channel_split(const DataProblem& problem) {
  const int64_t out_c = problem.out_channels(), in_c = problem.in_channels();
  const Phase first = phases(problem).front();  // the largest phase
  const int64_t columns = problem.x.dim(0) * first.col_h * first.col_w;
  const int64_t outputs = problem.x.dim(0) * out_c * problem.out_h * problem.out_w;
  const int64_t slices = std::min({splits_wanted(out_c, columns, 4), in_c / kMinSplitChannels,
                                   kMaxPartialFloats / std::max<int64_t>(1, outputs)});
  if (slices < 2) return {1, in_c};
  const int64_t chunk = (in_c + slices - 1) / slices;
  return {(in_c + chunk - 1) / chunk, chunk};
}

const vk::ShaderCode& gemm_data_shader(bool texels, bool halves) {
  if (texels) return shaders::conv_gemm_data_texel;
  return halves ? shaders::conv_gemm_data_half : shaders::conv_gemm_data;
}

}  // namespace

bool gemm_data_supports(const vk::DeviceInfo& device, const DataProblem& problem) {
  const int64_t stride = phase_stride(problem);
  const int64_t columns =
      problem.x.dim(0) * (problem.transposed ? phase_count(problem.out_h, 0, stride) *
                                                   phase_count(problem.out_w, 0, stride)
                                             : problem.out_h * problem.out_w);
  const int64_t rows = problem.out_channels();
  return fits(device, gemm_groups(gemm_tile(rows, columns), rows, columns, 1));
}

bool gemm_texel_data_supports(const vk::DeviceInfo& device, const DataProblem& problem) {
  return texel_views_supported(device) && problem.x.allocation().texels &&
         gemm_data_supports(device, problem);
}

// Only where the split makes more than one slice (otherwise it is gemm).
bool gemm_split_data_supports(const vk::DeviceInfo& device, const DataProblem& problem) {
  return gemm_data_supports(device, problem) && channel_split(problem).slices > 1;
}

// One dispatch per phase, so no invocation loops over taps that do not apply.
Tensor run_gemm_data(const DataProblem& problem, GemmData style, Packing packing) {
  const bool texels = style == GemmData::texels;
  const bool halves = packing == Packing::halves;
  const Tensor& x = problem.x;
  const int64_t out_c = problem.out_channels();
  Tensor y = data_output(problem);
  const ChannelSplit slices =
      style == GemmData::split ? channel_split(problem) : ChannelSplit{1, x.dim(1)};
  Tensor out = slices.slices > 1 ? Tensor::empty({slices.slices * y.numel()}) : y;
  u32(out.numel());
  const BiasInput bias = bias_input(problem);
  Tensor packed = pack_weights(problem, gemm_tile(out_c, 1).rows, packing);
  // The packed weights may land in a block too large for a view: then read them by pointer.
  const bool use_texels = texels && has_texel_view({&x}) && has_texel_view({&packed, true});
  for (const Phase& phase : phases(problem)) {
    const int64_t columns = x.dim(0) * phase.col_h * phase.col_w;
    const GemmDataPush push = gemm_data_push(problem, phase, packed, bias, out, slices.chunk);
    const Tile tile = gemm_tile(out_c, columns);
    const vk::Groups groups =
        gemm_groups(tile, out_c, columns, static_cast<uint64_t>(slices.slices));
    launch_data_kernel(gemm_data_shader(use_texels, halves), use_texels,
                       {tile.workgroup, activation_constant(problem), slope_constant(problem),
                        tile.rows, tile.columns},
                       groups, push, {x, packed, *bias.tensor, out});
  }
  if (slices.slices > 1) {
    SplitSumPush sum{out.address(),  bias.address,          y.address(),
                     u32(y.numel()), u32(slices.slices),    u32(problem.out_h * problem.out_w),
                     u32(out_c),     bias.present ? 1u : 0u};
    const uint32_t size = Runtime::get().workgroup_size();
    launch(shaders::conv_gemm_split_sum,
           {size, activation_constant(problem), slope_constant(problem)},
           grid_1d(static_cast<uint64_t>(y.numel()), size), sum,
           {out.reads(), bias.tensor->reads(), y.writes()});
  }
  return y;
}

}  // namespace aegan::ops::conv
