// The row-run family (shaders/conv_rows.comp): `rows_texel` and `rows`.
#include <algorithm>
#include <array>
#include <bit>
#include <map>
#include <string>

#include "engine/ops/conv_families.hpp"
#include "engine/ops/derived_cache.hpp"
#include "shaders.hpp"

namespace aegan::ops::conv {
namespace {

// The most phases of one rows dispatch, and the largest kernel (its first rows and columns of a
// phase go in 4 bits each of RowsPush::k_bases).
constexpr size_t kRowsPhases = 16;
constexpr int64_t kRowsMaxKernel = 16;
// On CPU devices, phases of at most this many workgroups share a dispatch: there the cost of a
// dispatch weighs (lavapipe: 30 to 40 us each; tiny64's 1x1-input layer and phi.dec0 ran 1.5x
// faster merged). Larger ones stay apart: merged, lavapipe's threads work on interleaved phases
// at once, whose stores share cache lines (up to 1.3x slower). GPUs merge every phase: apart,
// each phase's dispatch waits for the previous one (they write the same output tensor).
constexpr uint64_t kRowsMergeWorkgroups = 16;

bool merges_phase(const vk::DeviceInfo& device, const vk::Groups& alone) {
  return device.type != VK_PHYSICAL_DEVICE_TYPE_CPU ||
         uint64_t{alone.x} * alone.y <= kRowsMergeWorkgroups;
}

// Few runs (small images, batch 1) would leave most of a workgroup computing clamped copies.
uint32_t rows_workgroup(int64_t runs) {
  uint32_t workgroup = std::min(64u, Runtime::get().workgroup_size());
  while (workgroup > 1 && workgroup >= 2 * runs)
    workgroup /= 2;
  return workgroup;
}

vk::Groups rows_groups(int64_t runs, int64_t rows, uint32_t tile_rows) {
  auto clamp = [](uint64_t n) { return static_cast<uint32_t>(std::min<uint64_t>(n, UINT32_MAX)); };
  return {clamp(blocks(runs, rows_workgroup(runs))), clamp(blocks(rows, tile_rows)), 1};
}

// Output channels per invocation of the rows kernels. On CPU devices, 32 where a phase has at
// most 9 taps (the 3x3 convolutions, and every phase of a stride-2 transposed 4x4 one): each
// input channel's loads of the input span then serve twice the products (ResBlock's 3x3
// convolutions of 64 channels ran 10 to 15 % faster on lavapipe, forward and input gradient;
// with 16 taps it measured no better). GPUs keep the GEMM tile: 256 accumulators per invocation
// would spill their registers.
uint32_t rows_tile_rows(const vk::DeviceInfo& device, const DataProblem& problem) {
  const int64_t rows = problem.out_channels();
  if (device.type == VK_PHYSICAL_DEVICE_TYPE_CPU && rows >= 32) {
    int64_t taps = 0;
    for (const Phase& phase : phases(problem))
      taps = std::max(taps, phase.taps_h * phase.taps_w);
    if (taps <= 9) return 32;
  }
  return gemm_tile(rows, 1).rows;
}

// The row-run kernel (conv_rows.comp): how one phase reads the input, in the
// coordinates of the input with `margin` rows and columns of zeros before it. Direct: padded row
// i * stride + t for tap t, margin `pad`. Transposed: tap t' = taps - 1 - t reads padded row
// i + off + t' with off = dh0 - (taps - 1) + margin, where the margin (the most taps of a phase,
// less one) keeps every offset non-negative.
struct RunGeometry {
  int64_t in_step, margin;
  int64_t run = 0;  // outputs per invocation (TN)
  int64_t runs_w = 0, off_h = 0, off_w = 0, kh_base = 0, kw_base = 0, k_step = 1;
};

// Outputs per invocation of the rows kernels (TN): 8, or for 4x4 kernels on CPU devices 16 where
// the unrolled body per input channel stays within kRowsBodyProducts multiply-adds (TM x TN x
// taps) and the phase still makes kRowsLongRunWorkgroups workgroups per core. Measured on
// lavapipe: paper512's 4x4 layers (16 taps, or 4 per phase of the transposed ones and of the
// input gradients) up to 1.2x faster; 3x3 layers 1.1x to 1.4x slower, and tiny64's 4x4 layers
// with 8 to 16 workgroups 1.1x slower.
constexpr int64_t kRowsBodyProducts = 4096;
constexpr uint64_t kRowsLongRunWorkgroups = 16;

int64_t run_length(const vk::DeviceInfo& device, const DataProblem& problem, const Phase& phase,
                   uint32_t tile_rows) {
  const int64_t shortest =
      std::min<int64_t>(8, static_cast<int64_t>(std::bit_ceil(static_cast<uint64_t>(phase.col_w))));
  if (device.type != VK_PHYSICAL_DEVICE_TYPE_CPU || problem.k() != 4 || phase.col_w < 16 ||
      tile_rows * 16 * phase.taps_h * phase.taps_w > kRowsBodyProducts) {
    return shortest;
  }
  const int64_t runs = problem.x.dim(0) * phase.col_h * ((phase.col_w + 15) / 16);
  const vk::Groups groups = rows_groups(runs, problem.out_channels(), tile_rows);
  return uint64_t{groups.x} * groups.y >= kRowsLongRunWorkgroups * cpu_threads() ? 16 : shortest;
}

// `tile_rows`: rows_tile_rows() of the problem.
RunGeometry run_geometry(const vk::DeviceInfo& device, const DataProblem& problem,
                         const Phase& phase, uint32_t tile_rows) {
  const int64_t stride = phase_stride(problem);
  RunGeometry g{problem.transposed ? 1 : stride,
                problem.transposed ? (problem.k() + stride - 1) / stride - 1 : problem.pad};
  g.run = run_length(device, problem, phase, tile_rows);
  g.runs_w = (phase.col_w + g.run - 1) / g.run;
  if (problem.transposed) {
    g.off_h = phase.dh0 - (phase.taps_h - 1) + g.margin;
    g.off_w = phase.dw0 - (phase.taps_w - 1) + g.margin;
    g.kh_base = phase.kh0 + (phase.taps_h - 1) * stride;
    g.kw_base = phase.kw0 + (phase.taps_w - 1) * stride;
    g.k_step = -stride;
  }
  return g;
}

}  // namespace

// Taps and input step are specialization constants and every tap of an input channel is
// unrolled; these bounds (5x5 taps per phase) keep the unrolled body, and its compile time, small.
bool rows_data_supports(const vk::DeviceInfo& device, const DataProblem& problem) {
  const int64_t rows = problem.out_channels();
  const uint32_t tile_rows = rows_tile_rows(device, problem);
  for (const Phase& phase : phases(problem)) {
    const RunGeometry g = run_geometry(device, problem, phase, tile_rows);
    const int64_t runs = problem.x.dim(0) * phase.col_h * g.runs_w;
    if (phase.taps_h * phase.taps_w > 25 || g.in_step > 4 || problem.k() > kRowsMaxKernel ||
        !fits(device, rows_groups(runs, rows, tile_rows))) {
      return false;
    }
  }
  return true;
}

bool rows_texel_data_supports(const vk::DeviceInfo& device, const DataProblem& problem) {
  return texel_views_supported(device) && rows_data_supports(device, problem);
}

namespace {

// A rows dispatch's phase table, uploaded once per distinct table (it depends on the shape only).
Tensor rows_phase_table(const std::vector<RowsPhase>& table) {
  const std::vector<float> words = table_words(table);
  std::string slot = "rows phases";
  for (float word : words)
    slot.append(1, ' ').append(std::to_string(std::bit_cast<uint32_t>(word)));
  return DerivedCache::packed_weights().get(
      slot, "", [&] { return Tensor::from_host({static_cast<int64_t>(words.size())}, words); });
}

// Where the rows kernels read the weights unpacked (UNPACKED in conv_rows.comp): direct 4x4
// problems in float32 on CPU devices, weights 16-byte aligned. There a training step repacks
// every updated weight, and packing runs at 3 to 7.5 ns per value on lavapipe (12 % of
// paper512's step 2), while the kernel makes as many loads either way. GPUs keep the packed
// weights (unmeasured unpacked; packing costs them little).
bool rows_unpacked(const vk::DeviceInfo& device, const DataProblem& problem, Packing packing) {
  return device.type == VK_PHYSICAL_DEVICE_TYPE_CPU && !problem.transposed && problem.k() == 4 &&
         packing == Packing::floats && !problem.folded.defined() &&
         problem.weight.address() % 16 == 0;
}

}  // namespace

Tensor run_rows_data(const DataProblem& problem, bool texels, Packing packing) {
  const bool halves = packing == Packing::halves;
  const Tensor& x = problem.x;
  const int64_t out_c = problem.out_channels(), k = problem.k();
  Tensor y = Tensor::empty({x.dim(0), out_c, problem.out_h, problem.out_w});
  u32(y.numel());
  const std::vector<Phase> list = phases(problem);
  const vk::DeviceInfo& device = Runtime::get().device();
  const uint32_t tile_rows = rows_tile_rows(device, problem);
  std::vector<RunGeometry> geometry;
  for (const Phase& phase : list)
    geometry.push_back(run_geometry(device, problem, phase, tile_rows));
  // Runs read the input as if it had `margin` rows and columns of zeros before it and enough
  // after it (the last run of a row may reach past col_w: it computes outputs it does not
  // store). Only problems whose runs reach outside the input check bounds (BOUNDED): on
  // lavapipe those checks cost less than a zero-padded copy of the input did (paper512's data
  // passes 0.94x the time, tiny64's 0.84x), and the rest (3x3 layers after reflection padding)
  // then keep loads without checks.
  int64_t margin = 0;
  bool bounded = false;
  for (size_t i = 0; i < list.size(); ++i) {
    const Phase& phase = list[i];
    const RunGeometry& g = geometry[i];
    margin = g.margin;
    const int64_t reach_h = (phase.col_h - 1) * g.in_step + g.off_h + phase.taps_h;
    const int64_t reach_w = (g.runs_w * g.run - 1) * g.in_step + g.off_w + phase.taps_w;
    bounded = bounded || margin > 0 || reach_h > x.dim(2) + margin || reach_w > x.dim(3) + margin;
  }
  const bool unpacked = rows_unpacked(device, problem, packing);
  const Tensor packed = unpacked ? problem.weight : pack_weights(problem, tile_rows, packing);
  const bool use_texels = texels && has_texel_view({&x}) && has_texel_view({&packed, true});
  const BiasInput bias = bias_input(problem);
  const int64_t out_step = problem.transposed ? phase_stride(problem) : 1;
  // Small phases with the same specialization (taps and run length) share a dispatch, up to
  // kRowsPhases of them, each a workgroup z.
  struct Dispatch {
    std::vector<RowsPhase> table;
    uint32_t k_bases[4] = {};
  };
  std::map<std::array<int64_t, 4>, std::vector<Dispatch>> dispatches;
  int64_t k_step = 1;
  for (size_t i = 0; i < list.size(); ++i) {
    const Phase& phase = list[i];
    const RunGeometry& g = geometry[i];
    k_step = g.k_step;
    const int64_t runs = x.dim(0) * phase.col_h * g.runs_w;
    const vk::Groups alone = rows_groups(runs, out_c, tile_rows);
    const bool merged = merges_phase(device, alone);
    std::vector<Dispatch>& same = dispatches[{phase.taps_h, phase.taps_w, g.run, merged ? 0 : 1}];
    if (same.empty() || same.back().table.size() == (merged ? kRowsPhases : 1)) {
      same.emplace_back();
    }
    Dispatch& dispatch = same.back();
    const size_t z = dispatch.table.size();
    dispatch.k_bases[z / 4] |= u32(g.kh_base | g.kw_base << 4) << (8 * (z % 4));
    dispatch.table.push_back({u32(runs), u32(phase.col_h), u32(phase.col_w), u32(g.runs_w),
                              u32(phase.oh0), u32(phase.ow0), u32(g.off_h), u32(g.off_w)});
  }
  const uint32_t in_step = u32(geometry.front().in_step);
  for (const auto& [specialized, same] : dispatches) {
    for (const Dispatch& dispatch : same) {
      const Tensor table = rows_phase_table(dispatch.table);
      uint32_t runs = 0;
      for (const RowsPhase& phase : dispatch.table)
        runs = std::max(runs, phase.tiles);
      RowsPush push{
          x.address(),
          packed.address(),
          bias.address,
          y.address(),
          table.address(),
          u32(out_c),
          u32(x.dim(1)),
          u32(x.dim(2)),
          u32(x.dim(3)),
          u32(problem.out_h),
          u32(problem.out_w),
          u32(out_step),
          static_cast<int32_t>(k_step),
          u32(k),
          bias.present ? 1u : 0u,
          texel_index({&x}),
          texel_index({&packed, true}),
          {dispatch.k_bases[0], dispatch.k_bases[1], dispatch.k_bases[2], dispatch.k_bases[3]},
          u32(margin)};
      vk::Groups groups = rows_groups(runs, out_c, tile_rows);
      groups.z = static_cast<uint32_t>(dispatch.table.size());
      const auto [taps_h, taps_w, run, kept_apart] = specialized;
      const std::initializer_list<uint32_t> specialization{rows_workgroup(runs),
                                                           activation_constant(problem),
                                                           slope_constant(problem),
                                                           tile_rows,
                                                           u32(run),
                                                           in_step,
                                                           u32(taps_w),
                                                           u32(taps_h),
                                                           unpacked ? 1u : 0u,
                                                           bounded ? 1u : 0u};
      const vk::ShaderCode& kernel = use_texels ? shaders::conv_rows_data_texel
                                     : halves   ? shaders::conv_rows_data_half
                                                : shaders::conv_rows_data;
      launch_data_kernel(kernel, use_texels, specialization, groups, push,
                         {x, packed, *bias.tensor, y, &table});
    }
  }
  return y;
}

}  // namespace aegan::ops::conv
