#include <algorithm>
#include <string>
#include <thread>

#include "engine/ops/conv_families.hpp"
#include "engine/ops/derived_cache.hpp"
#include "shaders.hpp"

namespace aegan::ops::conv {

uint32_t u32(int64_t value) {
  if (value < 0 || value > int64_t{UINT32_MAX}) throw Error("convolution too large for one kernel");
  return static_cast<uint32_t>(value);
}

uint64_t blocks(int64_t n, uint32_t block) {
  return (static_cast<uint64_t>(n) + block - 1) / block;
}

Tensor data_output(const DataProblem& problem) {
  Tensor y =
      Tensor::empty({problem.x.dim(0), problem.out_channels(), problem.out_h, problem.out_w});
  u32(problem.x.numel());
  u32(y.numel());
  u32(problem.weight.numel());
  return y;
}

uint64_t column_slots(const Tile& tile, uint32_t workgroup, int64_t columns) {
  const uint64_t width = uint64_t{workgroup} * tile.columns;
  return blocks(columns, static_cast<uint32_t>(width)) * width;
}

uint64_t cpu_threads() {
  static const uint64_t threads = std::max(1u, std::thread::hardware_concurrency());
  return threads;
}

Tile gemm_tile(int64_t rows, int64_t columns, uint32_t widest) {
  Tile tile{rows <= 4   ? 4u
            : rows <= 8 ? 8u
                        : 16u,
            widest, std::min(64u, Runtime::get().workgroup_size())};
  auto spare = [&] { return int64_t{tile.workgroup} * tile.columns >= 2 * columns; };
  while (tile.columns > 1 && spare())
    tile.columns /= 2;
  while (tile.workgroup > 1 && spare())
    tile.workgroup /= 2;
  const uint32_t smallest = std::max(1u, Runtime::get().device().subgroup_size);
  while (tile.workgroup / 2 >= smallest && column_slots(tile, tile.workgroup / 2, columns) <
                                               column_slots(tile, tile.workgroup, columns))
    tile.workgroup /= 2;
  return tile;
}

vk::Groups gemm_groups(const Tile& tile, int64_t rows, int64_t columns, uint64_t depth) {
  auto clamp = [](uint64_t n) { return static_cast<uint32_t>(std::min<uint64_t>(n, UINT32_MAX)); };
  return {clamp(blocks(columns, tile.workgroup * tile.columns)), clamp(blocks(rows, tile.rows)),
          clamp(depth)};
}

bool fits(const vk::DeviceInfo& device, const vk::Groups& groups) {
  return groups.x <= device.max_workgroup_count[0] && groups.y <= device.max_workgroup_count[1] &&
         groups.z <= device.max_workgroup_count[2];
}

int64_t splits_wanted(int64_t rows, int64_t columns, uint32_t widest) {
  const Tile tile = gemm_tile(rows, columns, widest);
  const vk::Groups groups = gemm_groups(tile, rows, columns, 1);
  const int64_t invocations = int64_t{groups.x} * groups.y * tile.workgroup;
  return (kSplitInvocations + invocations - 1) / invocations;
}

int64_t phase_count(int64_t size, int64_t o0, int64_t stride) {
  return size > o0 ? (size - o0 + stride - 1) / stride : 0;
}

int64_t phase_stride(const DataProblem& problem) {
  const bool single_pixel = problem.x.dim(2) == 1 && problem.x.dim(3) == 1;
  return problem.transposed && single_pixel ? problem.k() : problem.stride;
}

std::vector<Phase> phases(const DataProblem& problem) {
  const int64_t k = problem.k(), pad = problem.pad;
  if (!problem.transposed) {
    return {Phase{0, 0, problem.out_h, problem.out_w, 0, 0, k, k, -pad, -pad}};
  }
  const int64_t stride = phase_stride(problem);
  std::vector<Phase> list;
  for (int64_t oh0 = 0; oh0 < stride; ++oh0) {
    for (int64_t ow0 = 0; ow0 < stride; ++ow0) {
      Phase phase{oh0, ow0, phase_count(problem.out_h, oh0, stride),
                  phase_count(problem.out_w, ow0, stride)};
      phase.kh0 = (oh0 + pad) % stride;
      phase.kw0 = (ow0 + pad) % stride;
      phase.taps_h = phase_count(k, phase.kh0, stride);
      phase.taps_w = phase_count(k, phase.kw0, stride);
      phase.dh0 = (oh0 + pad - phase.kh0) / stride;
      phase.dw0 = (ow0 + pad - phase.kw0) / stride;
      if (phase.col_h > 0 && phase.col_w > 0) list.push_back(phase);
    }
  }
  return list;
}

Tensor pack_weights(const DataProblem& problem, uint32_t tile_rows, Packing packing) {
  const int64_t out_c = problem.out_channels(), in_c = problem.in_channels(), k = problem.k();
  const bool scaled = problem.folded.defined(), halves = packing == Packing::halves;
  const std::string slot =
      std::string(problem.transposed ? "conv pack transposed " : "conv pack ") +
      std::to_string(in_c) + "x" + std::to_string(out_c) + "x" + std::to_string(k) + " rows " +
      std::to_string(tile_rows) + (scaled ? " scaled" : "") + (halves ? " float16" : "") +
      DerivedCache::storage_ids({&problem.weight});
  const std::string version = DerivedCache::versions({&problem.weight, &problem.folded});
  return DerivedCache::packed_weights().get(slot, version, [&] {
    const int64_t padded_rows = static_cast<int64_t>(blocks(out_c, tile_rows)) * tile_rows;
    const int64_t values = in_c * k * k * padded_rows;
    Tensor packed = Tensor::empty({halves ? values / 2 : values});
    const Tensor& scale = scaled ? problem.folded : problem.weight;
    PackPush pack{problem.weight.address(),
                  packed.address(),
                  scale.address(),
                  u32(out_c),
                  u32(in_c),
                  u32(k * k),
                  u32(padded_rows),
                  problem.transposed ? 1u : 0u,
                  scaled ? 1u : 0u};
    // 4 x 4 blocks where source rows hold whole vec4s (2x to 3x faster on lavapipe).
    const uint64_t source_row = static_cast<uint64_t>(problem.transposed ? k * k : in_c * k * k);
    const bool blocks = whole_vec4s(source_row, {&problem.weight});
    const uint64_t invocations = static_cast<uint64_t>(u32(values)) / (blocks ? 16 : 4);
    const uint32_t size = Runtime::get().workgroup_size();
    launch_reading(halves ? shaders::conv_pack_weights_half : shaders::conv_pack_weights,
                   {size, blocks ? 1u : 0u}, grid_1d(invocations, size), pack,
                   {{&PackPush::w, {&problem.weight, blocks}}},
                   {problem.weight.reads(), scale.reads(), packed.writes()});
    return packed;
  });
}

BiasInput bias_input(const DataProblem& problem) {
  if (problem.folded.defined()) {
    return {&problem.folded, problem.folded.address() + 4 * problem.folded.numel() / 2, true};
  }
  if (problem.bias.defined()) return {&problem.bias, problem.bias.address(), true};
  return {&problem.x, problem.x.address(), false};
}

GemmDataPush gemm_data_push(const DataProblem& problem, const Phase& phase, const Tensor& packed,
                            const BiasInput& bias, const Tensor& out, int64_t chunk_channels) {
  const Tensor& x = problem.x;
  return {x.address(),
          packed.address(),
          bias.address,
          out.address(),
          u32(problem.out_channels()),
          u32(x.dim(0) * phase.col_h * phase.col_w),
          u32(phase.col_h),
          u32(phase.col_w),
          u32(x.dim(1)),
          u32(x.dim(2)),
          u32(x.dim(3)),
          u32(problem.out_h),
          u32(problem.out_w),
          u32(phase.oh0),
          u32(phase.ow0),
          static_cast<int32_t>(phase.dh0),
          static_cast<int32_t>(phase.dw0),
          u32(phase.kh0),
          u32(phase.kw0),
          u32(phase.taps_h),
          u32(phase.taps_w),
          u32(problem.k()),
          u32(phase_stride(problem)),
          problem.transposed ? 1u : 0u,
          bias.present ? 1u : 0u,
          texel_index({&x}),
          texel_index({&packed, true}),
          u32(chunk_channels)};
}

void sum_chunks(const Tensor& partial, const Tensor& dw, int64_t count, int64_t chunks) {
  const ChunkSumPush push{partial.address(), dw.address(), u32(count), u32(chunks)};
  launch_1d(shaders::conv_weight_grad_reduce, static_cast<uint64_t>(count), push,
            {partial.reads(), dw.writes()});
}

Tensor fold_batch_norm(const BatchNormEval& bn, const Tensor& conv_bias) {
  const int64_t channels = bn.weight.numel();
  const std::initializer_list<const Tensor*> sources{&bn.weight, &bn.bias, &bn.running_mean,
                                                     &bn.running_var, &conv_bias};
  const std::string slot = "bn fold " + std::to_string(channels) + " eps " +
                           std::to_string(std::bit_cast<uint32_t>(bn.eps)) +
                           DerivedCache::storage_ids(sources);
  return DerivedCache::packed_weights().get(slot, DerivedCache::versions(sources), [&] {
    Tensor folded = Tensor::empty({2, channels});
    const Tensor& bias = conv_bias.defined() ? conv_bias : bn.bias;
    FoldPush push{bn.weight.address(),
                  bn.bias.address(),
                  bn.running_mean.address(),
                  bn.running_var.address(),
                  bias.address(),
                  folded.address(),
                  u32(channels),
                  conv_bias.defined() ? 1u : 0u,
                  bn.eps};
    launch_1d(shaders::conv_pack_fold, static_cast<uint64_t>(channels), push,
              {bn.weight.reads(), bn.bias.reads(), bn.running_mean.reads(), bn.running_var.reads(),
               bias.reads(), folded.writes()});
    return folded;
  });
}

}  // namespace aegan::ops::conv
