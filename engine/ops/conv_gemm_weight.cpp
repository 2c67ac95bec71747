// The GEMM weight-gradient family (shaders/conv_gemm.comp, weight): the weight-gradient passes of
// `gemm`, `gemm_texel` and `gemm_split`.
#include <algorithm>
#include <bit>

#include "engine/ops/conv_families.hpp"
#include "shaders.hpp"

namespace aegan::ops::conv {
namespace {

// The weight-gradient kernel's widest tile on GPUs (weight_tile() says why CPUs differ); the
// data kernel keeps 4.
constexpr uint32_t kWeightTileColumns = 8;

// How the GEMM weight gradient splits the rows (image, i) of g into chunks; shape-only, like
// run_weight's. Chunks of kProductsPerChunk products, or with `split` (gemm_split) as many more
// as bring the grid to kSplitInvocations, within kMaxPartialFloats of partial sums.
struct RowChunks {
  int64_t chunks, per_chunk, rows, columns;
};

RowChunks gemm_row_chunks(const WeightProblem& problem, bool split) {
  const int64_t count = problem.g.dim(1) * problem.s.dim(1) * problem.k * problem.k;
  const int64_t rows = problem.g.dim(0) * problem.g.dim(2);
  const int64_t columns = problem.s.dim(1) * problem.k * problem.k;
  int64_t per_chunk = std::max<int64_t>(1, kProductsPerChunk / problem.g.dim(3));
  if (split) {
    const int64_t wanted = splits_wanted(problem.g.dim(1), columns, kWeightTileColumns);
    per_chunk = std::min(per_chunk, std::max<int64_t>(1, (rows + wanted - 1) / wanted));
  }
  const int64_t max_chunks = std::max<int64_t>(1, kMaxPartialFloats / count);
  if ((rows + per_chunk - 1) / per_chunk > max_chunks) {
    per_chunk = (rows + max_chunks - 1) / max_chunks;
  }
  return {(rows + per_chunk - 1) / per_chunk, per_chunk, rows, columns};
}

// The weight-gradient kernel's tile. On CPU devices, where each output sums at least
// kLongSum products of g and s, up to 64 rows by 16 columns: each load of g then serves 16
// columns and each gathered value of s 64 rows (paper512's stride-2 layers ran 1.3x to 1.45x
// faster on lavapipe than with 16 by 8; 32 by 32 and 128 by 8 were slower again). Shorter sums
// (small images at batch 1) spend their time storing, which the larger tile slowed by up to
// 1.5x. The workgroup then halves while that wastes fewer columns on clamped copies, down to 8
// invocations. GPUs keep the GEMM tile, whose accumulators fit their registers.
constexpr int64_t kLongSum = 64;
// The larger tile shrinks until the grid has this many workgroups per core (paper512's 64-channel
// layers at 64x64 made one workgroup of it, 1.45x slower than 16 by 8's eight).
constexpr uint64_t kWorkgroupsPerThread = 4;

Tile weight_tile(const vk::DeviceInfo& device, const WeightProblem& problem, int64_t columns) {
  const int64_t g_channels = problem.g.dim(1);
  const int64_t sum = problem.g.dim(0) * problem.g.dim(2) * problem.g.dim(3);
  if (device.type != VK_PHYSICAL_DEVICE_TYPE_CPU || sum < kLongSum) {
    return gemm_tile(g_channels, columns, kWeightTileColumns);
  }
  Tile tile = gemm_tile(g_channels, columns, 16);
  tile.rows = std::clamp(static_cast<uint32_t>(std::bit_ceil(static_cast<uint64_t>(g_channels))),
                         tile.rows, 64u);
  for (uint32_t workgroup = tile.workgroup / 2; workgroup >= 8; workgroup /= 2) {
    if (column_slots(tile, workgroup, columns) < column_slots(tile, tile.workgroup, columns)) {
      tile.workgroup = workgroup;
    }
  }
  // Narrower workgroups, then fewer rows, then fewer columns, until the grid occupies every core.
  const uint64_t chunks = static_cast<uint64_t>(gemm_row_chunks(problem, false).chunks);
  const uint64_t wanted = kWorkgroupsPerThread * cpu_threads();
  for (;;) {
    const vk::Groups groups = gemm_groups(tile, g_channels, columns, chunks);
    if (uint64_t{groups.x} * groups.y * groups.z >= wanted) break;
    if (tile.workgroup > 8) {
      tile.workgroup /= 2;
    } else if (tile.rows > 16) {
      tile.rows /= 2;
    } else if (tile.columns > kWeightTileColumns) {
      tile.columns /= 2;
    } else {
      break;
    }
  }
  return tile;
}

bool gemm_weight_fits(const vk::DeviceInfo& device, const WeightProblem& problem, bool split) {
  const RowChunks chunks = gemm_row_chunks(problem, split);
  return fits(device, gemm_groups(weight_tile(device, problem, chunks.columns), problem.g.dim(1),
                                  chunks.columns, static_cast<uint64_t>(chunks.chunks)));
}

}  // namespace

// Needs 64-bit integers for unaligned vec4 loads of g.
bool gemm_weight_supports(const vk::DeviceInfo& device, const WeightProblem& problem) {
  return device.shader_int64 && gemm_weight_fits(device, problem, false);
}

// Only where the split makes more chunks than gemm (otherwise it is gemm).
bool gemm_split_weight_supports(const vk::DeviceInfo& device, const WeightProblem& problem) {
  return device.shader_int64 && gemm_weight_fits(device, problem, true) &&
         gemm_row_chunks(problem, true).chunks > gemm_row_chunks(problem, false).chunks;
}

bool gemm_texel_weight_supports(const vk::DeviceInfo& device, const WeightProblem& problem) {
  return texel_views_supported(device) && problem.g.allocation().texels &&
         problem.s.allocation().texels && gemm_weight_fits(device, problem, false);
}

Tensor run_gemm_weight(const WeightProblem& problem, bool texels, bool split) {
  const Tensor& g = problem.g;
  const Tensor& s = problem.s;
  Tensor dw = Tensor::empty({g.dim(1), s.dim(1), problem.k, problem.k});
  const int64_t count = dw.numel();
  const RowChunks row_chunks = gemm_row_chunks(problem, split);
  const int64_t columns = row_chunks.columns, rows = row_chunks.rows;
  const int64_t per_chunk = row_chunks.per_chunk, chunks = row_chunks.chunks;
  Tensor out = chunks > 1 ? Tensor::empty({chunks * count}) : dw;
  u32(g.numel());
  u32(s.numel());
  u32(out.numel());
  GemmWeightPush push{
      g.address(),       s.address(),         out.address(),          u32(g.dim(1)), u32(columns),
      u32(g.dim(2)),     u32(g.dim(3)),       u32(s.dim(1)),          u32(s.dim(2)), u32(s.dim(3)),
      u32(problem.k),    u32(problem.stride), u32(problem.pad),       u32(rows),     u32(per_chunk),
      texel_index({&g}), texel_index({&s}),   texel_index({&g, true})};
  const Tile tile = weight_tile(Runtime::get().device(), problem, columns);
  const vk::Groups groups = gemm_groups(tile, g.dim(1), columns, static_cast<uint64_t>(chunks));
  // Eight columns of g per step where rows allow (1.1x to 1.4x on lavapipe against four).
  const uint32_t g_step = g.dim(3) % 8 == 0 ? 8 : 4;
  if (texels) {
    const bool g_vec4 = g.dim(3) % 4 == 0 && has_texel_view({&g, true});
    launch_texels(shaders::conv_gemm_weight_texel,
                  {tile.workgroup, tile.rows, tile.columns, g_step, g_vec4 ? 1u : 0u}, groups, push,
                  {g.reads(), s.reads(), out.writes()},
                  {{g.allocation().texels, g.allocation()},
                   {s.allocation().texels, s.allocation()},
                   {g_vec4 ? g.allocation().texels4 : g.allocation().texels, g.allocation()}});
  } else {
    launch(shaders::conv_gemm_weight, {tile.workgroup, tile.rows, tile.columns, g_step}, groups,
           push, {g.reads(), s.reads(), out.writes()});
  }
  if (chunks > 1) sum_chunks(out, dw, count, chunks);
  return dw;
}

}  // namespace aegan::ops::conv
