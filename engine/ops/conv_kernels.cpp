#include "engine/ops/conv_kernels.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <thread>

#include "engine/ops/conv_tuning.hpp"
#include "engine/ops/derived_cache.hpp"
#include "engine/ops/launch.hpp"
#include "shaders.hpp"

namespace aegan::ops::conv {
namespace {

struct DataPush {
  VkDeviceAddress x;
  VkDeviceAddress weight;
  VkDeviceAddress bias;
  VkDeviceAddress y;
  uint32_t batch, in_channels, in_h, in_w;
  uint32_t out_channels, out_h, out_w;
  uint32_t k, stride, pad, has_bias, column_groups;
};

struct WeightPush {
  VkDeviceAddress g;
  VkDeviceAddress s;
  VkDeviceAddress dw;
  uint32_t batch, g_channels, g_h, g_w;
  uint32_t s_channels, s_h, s_w;
  uint32_t k, stride, pad, rows_per_chunk, chunks;
};

struct ReducePush {
  VkDeviceAddress partial;
  VkDeviceAddress dw;
  uint32_t count;
  uint32_t chunks;
};

// Products one weight-gradient invocation sums before its partial sum is written out: bounds the
// length of each dispatch's longest invocation (long dispatches can trip GPU watchdogs) while
// keeping the partial buffer small. Depends only on the shape, so results do not vary by device.
constexpr int64_t kProductsPerChunk = 4096;
constexpr int64_t kMaxPartialFloats = int64_t{1} << 24;

uint32_t u32(int64_t value) {
  if (value < 0 || value > int64_t{UINT32_MAX}) throw Error("convolution too large for one kernel");
  return static_cast<uint32_t>(value);
}

uint64_t blocks(int64_t n, uint32_t block) {
  return (static_cast<uint64_t>(n) + block - 1) / block;
}

// Every output element of `problem` computed by one invocation of BLOCK output channels times
// PIXELS output columns (specialization constants 1 and 2).
Tensor run_data(const DataProblem& problem, uint32_t block, uint32_t pixels) {
  const Tensor& x = problem.x;
  const int64_t out_c = problem.out_channels();
  Tensor y = Tensor::empty({x.dim(0), out_c, problem.out_h, problem.out_w});
  u32(x.numel());
  u32(y.numel());
  u32(problem.weight.numel());
  const uint32_t stride = u32(problem.stride);
  // Transposed: the columns of one invocation share a phase (ow mod stride), hence kernel taps.
  const uint64_t column_groups =
      problem.transposed
          ? stride * blocks(static_cast<int64_t>(blocks(problem.out_w, stride)), pixels)
          : blocks(problem.out_w, pixels);
  const bool has_bias = problem.bias.defined();
  DataPush push{x.address(),
                problem.weight.address(),
                has_bias ? problem.bias.address() : x.address(),
                y.address(),
                u32(x.dim(0)),
                u32(x.dim(1)),
                u32(x.dim(2)),
                u32(x.dim(3)),
                u32(out_c),
                u32(problem.out_h),
                u32(problem.out_w),
                u32(problem.k()),
                stride,
                u32(problem.pad),
                has_bias ? 1u : 0u,
                u32(static_cast<int64_t>(column_groups))};
  const uint64_t invocations = static_cast<uint64_t>(x.dim(0)) * blocks(out_c, block) *
                               static_cast<uint64_t>(problem.out_h) * column_groups;
  const uint32_t size = Runtime::get().workgroup_size();
  launch(problem.transposed ? shaders::conv_transposed : shaders::conv_forward,
         {size, block, pixels}, grid_1d(invocations, size), push,
         {x.reads(), problem.weight.reads(), (has_bias ? problem.bias : x).reads(), y.writes()});
  return y;
}

// Every weight gradient element summed by one invocation per BLOCK channels of s and per chunk of
// rows (n, i) of g; chunks are then added in ascending order.
Tensor run_weight(const WeightProblem& problem, uint32_t block) {
  const Tensor& g = problem.g;
  const Tensor& s = problem.s;
  Tensor dw = Tensor::empty({g.dim(1), s.dim(1), problem.k, problem.k});
  const int64_t count = dw.numel();
  const int64_t rows = g.dim(0) * g.dim(2);
  int64_t rows_per_chunk = std::max<int64_t>(1, kProductsPerChunk / std::max<int64_t>(g.dim(3), 1));
  int64_t chunks = (rows + rows_per_chunk - 1) / rows_per_chunk;
  if (chunks > 1 && chunks * count > kMaxPartialFloats) {
    chunks = std::max<int64_t>(1, kMaxPartialFloats / count);
    rows_per_chunk = (rows + chunks - 1) / chunks;
    chunks = (rows + rows_per_chunk - 1) / rows_per_chunk;
  }
  Tensor out = chunks > 1 ? Tensor::empty({chunks * count}) : dw;
  u32(g.numel());
  u32(s.numel());
  u32(out.numel());
  WeightPush push{g.address(),      s.address(),         out.address(),  u32(g.dim(0)),
                  u32(g.dim(1)),    u32(g.dim(2)),       u32(g.dim(3)),  u32(s.dim(1)),
                  u32(s.dim(2)),    u32(s.dim(3)),       u32(problem.k), u32(problem.stride),
                  u32(problem.pad), u32(rows_per_chunk), u32(chunks)};
  const uint64_t invocations = static_cast<uint64_t>(chunks * g.dim(1)) * blocks(s.dim(1), block) *
                               static_cast<uint64_t>(problem.k * problem.k);
  const uint32_t size = Runtime::get().workgroup_size();
  launch(shaders::conv_weight_grad, {size, block, 1}, grid_1d(invocations, size), push,
         {g.reads(), s.reads(), out.writes()});
  if (chunks > 1) {
    ReducePush reduce{out.address(), dw.address(), u32(count), u32(chunks)};
    launch_1d(shaders::conv_weight_grad_reduce, static_cast<uint64_t>(count), reduce,
              {out.reads(), dw.writes()});
  }
  return dw;
}

struct GemmDataPush {
  VkDeviceAddress x;
  VkDeviceAddress weight;
  VkDeviceAddress bias;
  VkDeviceAddress y;
  uint32_t out_channels, columns, col_h, col_w;
  uint32_t in_channels, in_h, in_w, out_h, out_w;
  uint32_t oh0, ow0;
  int32_t dh0, dw0;
  uint32_t kh0, kw0, taps_h, taps_w, k, stride, transposed, has_bias;
  uint32_t x_first, w_first;  // texel variant only
  uint32_t chunk_channels;    // input channels per workgroup z (gemm_split)
};

struct SplitSumPush {
  VkDeviceAddress partial;
  VkDeviceAddress bias;
  VkDeviceAddress y;
  uint32_t count, slices, plane, channels, has_bias;
};

struct PackPush {
  VkDeviceAddress weight;
  VkDeviceAddress packed;
  VkDeviceAddress scale;
  uint32_t out_channels, in_channels, taps, padded_rows, transposed, has_scale;
};

struct FoldPush {
  VkDeviceAddress gamma, beta, mean, var, bias, folded;
  uint32_t channels, has_bias;
  float eps;
};

// What the GEMM data kernels add to each output channel: the convolution's bias, or in a fused
// problem BN's shift (the second half of `folded`), or nothing (then x's address, unused).
struct BiasInput {
  const Tensor* tensor;
  VkDeviceAddress address;
  bool present;
};

BiasInput bias_input(const DataProblem& problem) {
  if (problem.folded.defined()) {
    return {&problem.folded, problem.folded.address() + 4 * problem.folded.numel() / 2, true};
  }
  if (problem.bias.defined()) return {&problem.bias, problem.bias.address(), true};
  return {&problem.x, problem.x.address(), false};
}

// Specialization constants 5 and 6 of the GEMM data kernels: the epilogue's activation.
uint32_t activation_constant(const DataProblem& problem) {
  return static_cast<uint32_t>(problem.activation);
}

uint32_t slope_constant(const DataProblem& problem) {
  return std::bit_cast<uint32_t>(problem.slope);
}

struct RowsPush {
  VkDeviceAddress x;
  VkDeviceAddress weight;
  VkDeviceAddress bias;
  VkDeviceAddress y;
  VkDeviceAddress phases;  // RowsPhase per workgroup z
  uint32_t out_channels, in_channels, in_h, in_w, out_h, out_w, out_step;
  int32_t k_step;
  uint32_t k, has_bias, x_first, w_first;  // texel variant only: x_first, w_first
  uint32_t k_bases[4];                     // per phase z: 4 bits of kh_base, 4 of kw_base
  uint32_t margin;                         // rows and columns of zeros before the input
};

// One output phase of a rows dispatch, as shaders/conv_gemm.comp's RowsPhase.
struct RowsPhase {
  uint32_t tiles, col_h, col_w, tiles_w, oh0, ow0, off_h, off_w;
};

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

struct GemmWeightPush {
  VkDeviceAddress g;
  VkDeviceAddress s;
  VkDeviceAddress partial;
  uint32_t g_channels, columns, g_h, g_w;
  uint32_t s_channels, s_h, s_w, k, stride, pad, rows, rows_per_chunk;
  uint32_t g_first, s_first, g_first4;  // texel variant only
};

// Register tile of the GEMM kernels: TM rows (output channels, shared by a workgroup) times TN
// columns per invocation, `workgroup` invocations side by side. Few rows waste most of a tall
// tile, so TM follows the row count; few columns (small images, batch 1) would leave most
// invocations computing clamped copies of the last column, so TN and then the workgroup shrink
// until a workgroup covers less than twice the columns. The last workgroup can still be mostly
// clamped copies (576 columns, 3x3 taps of 64 channels, take two workgroups of 512), so the
// workgroup then halves, down to the subgroup size, while that wastes fewer columns.
struct Tile {
  uint32_t rows, columns, workgroup;
};

// The weight-gradient kernel's widest tile on GPUs (weight_tile() says why CPUs differ); the
// data kernel keeps 4.
constexpr uint32_t kWeightTileColumns = 8;

// Columns a grid of `workgroup`-wide workgroups of the tile covers, clamped copies included.
uint64_t column_slots(const Tile& tile, uint32_t workgroup, int64_t columns) {
  const uint64_t width = uint64_t{workgroup} * tile.columns;
  return blocks(columns, static_cast<uint32_t>(width)) * width;
}

// A CPU device's cores: lavapipe runs a thread per core, each taking whole workgroups.
uint64_t cpu_threads() {
  static const uint64_t threads = std::max(1u, std::thread::hardware_concurrency());
  return threads;
}

Tile gemm_tile(int64_t rows, int64_t columns, uint32_t widest = 4) {
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

// Saturates, so that fits() rejects grids beyond any device's limits.
vk::Groups gemm_groups(const Tile& tile, int64_t rows, int64_t columns, uint64_t depth) {
  auto clamp = [](uint64_t n) { return static_cast<uint32_t>(std::min<uint64_t>(n, UINT32_MAX)); };
  return {clamp(blocks(columns, tile.workgroup * tile.columns)), clamp(blocks(rows, tile.rows)),
          clamp(depth)};
}

bool fits(const vk::DeviceInfo& device, const vk::Groups& groups) {
  return groups.x <= device.max_workgroup_count[0] && groups.y <= device.max_workgroup_count[1] &&
         groups.z <= device.max_workgroup_count[2];
}

// Columns of one output phase of a transposed convolution: outputs o0, o0 + stride, ...
int64_t phase_count(int64_t size, int64_t o0, int64_t stride) {
  return size > o0 ? (size - o0 + stride - 1) / stride : 0;
}

// The stride of a transposed convolution's output phases. From a 1x1 input every output pixel
// takes one tap whatever the stride, so phases k apart make each dispatch a plain GEMM with one
// tap instead of k x k taps of which all but one fall outside the input (G_E's first layer).
int64_t phase_stride(const DataProblem& problem) {
  const bool single_pixel = problem.x.dim(2) == 1 && problem.x.dim(3) == 1;
  return problem.transposed && single_pixel ? problem.k() : problem.stride;
}

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

// One dispatch's share of a data pass: all outputs of a direct convolution, or one output phase
// (oh mod stride, ow mod stride) of a transposed one, whose pixels all take the same kernel taps:
// output (oh0 + i * stride, ow0 + j * stride) takes taps kh0 + t * stride, reading input row
// i + dh0 - t. Direct: taps 0..k-1 read row i * stride + t - pad.
struct Phase {
  int64_t oh0 = 0, ow0 = 0, col_h = 0, col_w = 0;
  int64_t kh0 = 0, kw0 = 0, taps_h = 0, taps_w = 0, dh0 = 0, dw0 = 0;
};

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

// How the packed weights are stored: float32, or float16 for the _half data kernels.
enum class Packing { floats, halves };

// The weights as the GEMM kernels read them, [in][k][k][out rounded up to tile_rows]; kept per
// weight version (derived_cache.hpp). Halves: two per float of the packed tensor.
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
    launch_reading(halves ? shaders::conv_gemm_pack_half : shaders::conv_gemm_pack,
                   {size, 8, 4, blocks ? 1u : 0u}, grid_1d(invocations, size), pack,
                   {{&PackPush::weight, {&problem.weight, blocks}}},
                   {problem.weight.reads(), scale.reads(), packed.writes()});
    return packed;
  });
}

// The tensors of a GEMM data dispatch: it reads input, packed weights and bias, writes y.
struct DataTensors {
  const Tensor &input, &packed, &bias, &y;
  const Tensor* phases = nullptr;  // the rows kernels' phase table
};

// Launches a GEMM data kernel; a texel twin reads the input and the packed weights through
// their blocks' R32F and RGBA32F views.
template <class Push>
void launch_data_kernel(const vk::ShaderCode& kernel, bool texels,
                        std::initializer_list<uint32_t> specialization, vk::Groups groups,
                        const Push& push, const DataTensors& t) {
  const Tensor& phases = t.phases ? *t.phases : t.input;  // without a table: input's read again
  if (texels) {
    launch_texels(kernel, specialization, groups, push,
                  {t.input.reads(), t.packed.reads(), t.bias.reads(), phases.reads(), t.y.writes()},
                  {{t.input.allocation().texels, t.input.allocation()},
                   {t.packed.allocation().texels4, t.packed.allocation()}});
  } else {
    launch(kernel, specialization, groups, push,
           {t.input.reads(), t.packed.reads(), t.bias.reads(), phases.reads(), t.y.writes()});
  }
}

// The input channels of gemm_split's workgroups z: `slices` chunks of `chunk` channels (the
// last may be shorter).
struct ChannelSplit {
  int64_t slices = 1, chunk = 0;
};

// Invocations a split data pass aims for: enough to occupy a large discrete GPU (an H200 keeps
// about 270 000 resident, AMD and Intel parts fewer), so that layers with few outputs and long
// sums (G_E's and D_E's 4x4 to 16x16 images of 128 to 512 channels) do not leave it idle. A
// constant: Vulkan reports no count of cores or resident invocations.
constexpr int64_t kSplitInvocations = int64_t{1} << 16;
// Fewest input channels per slice: fewer would make the partial sums' traffic dominate.
constexpr int64_t kMinSplitChannels = 4;

// How many times over an unsplit GEMM grid of rows x columns must be repeated along z to reach
// kSplitInvocations.
int64_t splits_wanted(int64_t rows, int64_t columns, uint32_t widest) {
  const Tile tile = gemm_tile(rows, columns, widest);
  const vk::Groups groups = gemm_groups(tile, rows, columns, 1);
  const int64_t invocations = int64_t{groups.x} * groups.y * tile.workgroup;
  return (kSplitInvocations + invocations - 1) / invocations;
}

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

// Only where the split makes more than one slice (otherwise it is gemm).
bool gemm_split_data_supports(const vk::DeviceInfo& device, const DataProblem& problem) {
  return gemm_data_supports(device, problem) && channel_split(problem).slices > 1;
}

// The shared-memory kernel (conv_gemm_tiled): 256 invocations compute a tile of 64 output
// channels x 64 columns, staging 16 reduction steps of both operands (two 4 KiB tiles).
constexpr uint32_t kTiledWorkgroup = 256;
constexpr int64_t kTiledSide = 64;
constexpr uint32_t kTiledSharedBytes = 2 * 16 * kTiledSide * 4;

vk::Groups tiled_groups(int64_t rows, int64_t columns) {
  constexpr auto side = static_cast<uint32_t>(kTiledSide);
  return gemm_groups(Tile{side, 1, side}, rows, columns, 1);
}

bool tiled_data_supports(const vk::DeviceInfo& device, const DataProblem& problem) {
  if (device.max_workgroup_invocations < kTiledWorkgroup ||
      device.max_workgroup_size[0] < kTiledWorkgroup ||
      device.max_shared_memory_bytes < kTiledSharedBytes) {
    return false;
  }
  for (const Phase& phase : phases(problem)) {
    const int64_t columns = problem.x.dim(0) * phase.col_h * phase.col_w;
    if (!fits(device, tiled_groups(problem.out_channels(), columns))) return false;
  }
  return true;
}

// coop and coop_emulated: the tiled kernel's grid, with 2 KiB float16 tiles of each operand and
// a 16 KiB float32 tile of outputs in shared memory; forward passes only (DataProblem::gradient).
constexpr uint32_t kCoopSharedBytes = 2 * 16 * kTiledSide * 2 + kTiledSide * kTiledSide * 4;

bool coop_emulated_data_supports(const vk::DeviceInfo& device, const DataProblem& problem) {
  return !problem.gradient && half_weights(device) && device.shader_float16 &&
         device.max_shared_memory_bytes >= kCoopSharedBytes && tiled_data_supports(device, problem);
}

// Its subgroups of 32 invocations each own a 16 x 32 block of the 64 x 64 tile.
bool coop_data_supports(const vk::DeviceInfo& device, const DataProblem& problem) {
  return device.nv_cooperative_matrix_f16 && device.subgroup_size == 32 &&
         device.min_subgroup_size == device.max_subgroup_size &&
         coop_emulated_data_supports(device, problem);
}

// How run_gemm_data reads its operands and shares out the work.
enum class GemmData {
  pointers,       // gemm
  texels,         // gemm_texel: x and the packed weights through texel views where both have one
  split,          // gemm_split: the input channels over workgroups z (channel_split()), the slices
                  // then summed by conv_gemm_split_sum
  tiled,          // shared-memory tiles (conv_gemm_tiled)
  coop,           // tiled with float16 operands through VK_NV_cooperative_matrix (conv_gemm_coop)
  coop_emulated,  // the same in float32 arithmetic from float16 tiles (conv_gemm_coop_emulated)
};

// The kernels that compute tiles of 64 x 64 from shared memory.
bool shared_tiles(GemmData style) {
  return style == GemmData::tiled || style == GemmData::coop || style == GemmData::coop_emulated;
}

const vk::ShaderCode& gemm_data_shader(GemmData style, bool texels, bool halves) {
  switch (style) {
    case GemmData::tiled:
      return halves ? shaders::conv_gemm_tiled_half : shaders::conv_gemm_tiled;
    case GemmData::coop:
      return shaders::conv_gemm_coop;
    case GemmData::coop_emulated:
      return shaders::conv_gemm_coop_emulated;
    default:
      if (texels) return shaders::conv_gemm_data_texel;
      return halves ? shaders::conv_gemm_data_half : shaders::conv_gemm_data;
  }
}

// Implicit GEMM (shaders/conv_gemm.comp), one dispatch per phase, so no invocation loops over
// taps that do not apply. Packing::halves: the _half kernels (not with texels).
Tensor run_gemm_data(const DataProblem& problem, GemmData style,
                     Packing packing = Packing::floats) {
  const bool texels = style == GemmData::texels, tiled = shared_tiles(style);
  const bool halves = packing == Packing::halves;
  const Tensor& x = problem.x;
  const int64_t out_c = problem.out_channels();
  Tensor y = Tensor::empty({x.dim(0), out_c, problem.out_h, problem.out_w});
  const ChannelSplit slices =
      style == GemmData::split ? channel_split(problem) : ChannelSplit{1, x.dim(1)};
  Tensor out = slices.slices > 1 ? Tensor::empty({slices.slices * y.numel()}) : y;
  u32(x.numel());
  u32(out.numel());
  u32(problem.weight.numel());
  const int64_t k = problem.k(), stride = phase_stride(problem);
  const BiasInput bias = bias_input(problem);
  Tensor packed = pack_weights(problem, tiled ? kTiledSide : gemm_tile(out_c, 1).rows, packing);
  // The packed weights may land in a block too large for a view: then read them by pointer.
  const bool use_texels = texels && has_texel_view({&x}) && has_texel_view({&packed, true});
  for (const Phase& phase : phases(problem)) {
    const int64_t columns = x.dim(0) * phase.col_h * phase.col_w;
    GemmDataPush push{x.address(),
                      packed.address(),
                      bias.address,
                      out.address(),
                      u32(out_c),
                      u32(columns),
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
                      u32(k),
                      u32(stride),
                      problem.transposed ? 1u : 0u,
                      bias.present ? 1u : 0u,
                      texel_index({&x}),
                      texel_index({&packed, true}),
                      u32(slices.chunk)};
    const Tile tile = tiled ? Tile{1, 1, kTiledWorkgroup} : gemm_tile(out_c, columns);
    const vk::Groups groups =
        tiled ? tiled_groups(out_c, columns)
              : gemm_groups(tile, out_c, columns, static_cast<uint64_t>(slices.slices));
    const std::initializer_list<uint32_t> specialization{
        tile.workgroup,         tile.rows, tile.columns, 0, 0, activation_constant(problem),
        slope_constant(problem)};
    launch_data_kernel(gemm_data_shader(style, use_texels, halves), use_texels, specialization,
                       groups, push, {x, packed, *bias.tensor, out});
  }
  if (slices.slices > 1) {
    SplitSumPush sum{out.address(),  bias.address,          y.address(),
                     u32(y.numel()), u32(slices.slices),    u32(problem.out_h * problem.out_w),
                     u32(out_c),     bias.present ? 1u : 0u};
    const uint32_t size = Runtime::get().workgroup_size();
    // Specialization constants 1 to 4 (the GEMM tile and rows constants) are unused here.
    launch(shaders::conv_gemm_split_sum,
           {size, 8, 4, 0, 0, activation_constant(problem), slope_constant(problem)},
           grid_1d(static_cast<uint64_t>(y.numel()), size), sum,
           {out.reads(), bias.tensor->reads(), y.writes()});
  }
  return y;
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

// The row-run kernel (conv_gemm.comp, VARIANT_ROWS): how one phase reads the input, in the
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

// A rows dispatch's phase table, uploaded once per distinct table (it depends on the shape only).
Tensor rows_phase_table(const std::vector<RowsPhase>& table) {
  const std::vector<float> words = table_words(table);
  std::string slot = "rows phases";
  for (float word : words)
    slot.append(1, ' ').append(std::to_string(std::bit_cast<uint32_t>(word)));
  return DerivedCache::packed_weights().get(
      slot, "", [&] { return Tensor::from_host({static_cast<int64_t>(words.size())}, words); });
}

// Where the rows kernels read the weights unpacked (UNPACKED in conv_gemm.comp): direct 4x4
// problems in float32 on CPU devices, weights 16-byte aligned. There a training step repacks
// every updated weight, and packing runs at 3 to 7.5 ns per value on lavapipe (12 % of
// paper512's step 2), while the kernel makes as many loads either way. GPUs keep the packed
// weights (unmeasured unpacked; packing costs them little).
bool rows_unpacked(const vk::DeviceInfo& device, const DataProblem& problem, Packing packing) {
  return device.type == VK_PHYSICAL_DEVICE_TYPE_CPU && !problem.transposed && problem.k() == 4 &&
         packing == Packing::floats && !problem.folded.defined() &&
         problem.weight.address() % 16 == 0;
}

Tensor run_rows_data(const DataProblem& problem, bool texels, Packing packing = Packing::floats) {
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
                                                           tile_rows,
                                                           u32(run),
                                                           in_step,
                                                           u32(taps_w),
                                                           activation_constant(problem),
                                                           slope_constant(problem),
                                                           u32(taps_h),
                                                           unpacked ? 1u : 0u,
                                                           bounded ? 1u : 0u};
      const vk::ShaderCode& kernel = use_texels ? shaders::conv_gemm_rows_texel
                                     : halves   ? shaders::conv_gemm_rows_half
                                                : shaders::conv_gemm_rows;
      launch_data_kernel(kernel, use_texels, specialization, groups, push,
                         {x, packed, *bias.tensor, y, &table});
    }
  }
  return y;
}

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

// `texels`: read g and s through texel views (conv_gemm_weight_texel). `split`: the rows in
// more chunks, as gemm_row_chunks() says.
Tensor run_gemm_weight(const WeightProblem& problem, bool texels, bool split = false) {
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
                  {tile.workgroup, tile.rows, tile.columns, g_vec4 ? 1u : 0u, g_step}, groups, push,
                  {g.reads(), s.reads(), out.writes()},
                  {{g.allocation().texels, g.allocation()},
                   {s.allocation().texels, s.allocation()},
                   {g_vec4 ? g.allocation().texels4 : g.allocation().texels, g.allocation()}});
  } else {
    launch(shaders::conv_gemm_weight, {tile.workgroup, tile.rows, tile.columns, 0, g_step}, groups,
           push, {g.reads(), s.reads(), out.writes()});
  }
  if (chunks > 1) {
    ReducePush reduce{out.address(), dw.address(), u32(count), u32(chunks)};
    launch_1d(shaders::conv_weight_grad_reduce, static_cast<uint64_t>(count), reduce,
              {out.reads(), dw.writes()});
  }
  return dw;
}

template <class Problem>
bool always(const vk::DeviceInfo&, const Problem&) {
  return true;
}

// The automatic choice, in one place (measured on lavapipe, tiny64 at batch 16): the implicit
// GEMM wins wherever its tile is mostly useful work; it loses where a tile is mostly padding
// rows (fewer than 4 output channels) or an image smaller than the kernel makes most taps fall
// outside it. Blocked beats direct on every measured shape, so direct is only the fallback.
bool gemm_data_suits(const vk::DeviceInfo&, const DataProblem& problem) {
  return problem.out_channels() >= 4 &&
         problem.x.dim(2) * problem.x.dim(3) >= problem.k() * problem.k();
}

bool& half_weights_allowed() {
  static bool allowed = Runtime::get().settings().fp16;
  return allowed;
}

// The _half twin of a kernel reading packed weights through pointers.
template <bool (*supports)(const vk::DeviceInfo&, const DataProblem&)>
bool half_supports(const vk::DeviceInfo& device, const DataProblem& problem) {
  return half_weights(device) && supports(device, problem);
}

std::string& forced() {
  static std::string name = Runtime::get().settings().conv_variant;
  return name;
}

// Whether `kernel` can run `problem` on `device`: supported, and fusing where the problem asks.
bool usable(const Kernel<DataProblem>& kernel, const vk::DeviceInfo& device,
            const DataProblem& problem) {
  return kernel.supports(device, problem) && (kernel.fuses || !problem.fused());
}

bool usable(const Kernel<WeightProblem>& kernel, const vk::DeviceInfo& device,
            const WeightProblem& problem) {
  return kernel.supports(device, problem);
}

// The first kernel of the table that can run the problem and suits it, else the first that can
// run it (fused problems no kernel suits: only fusing kernels); null where none can.
template <class Problem>
const Kernel<Problem>* built_in_choice(const std::vector<Kernel<Problem>>& table,
                                       const vk::DeviceInfo& device, const Problem& problem) {
  for (const auto& kernel : table) {
    if (usable(kernel, device, problem) && kernel.suits(device, problem)) return &kernel;
  }
  for (const auto& kernel : table) {
    if (usable(kernel, device, problem)) return &kernel;
  }
  return nullptr;
}

// Undefined where no kernel can run the problem (only a fused one can lack a kernel).
template <class Problem>
Tensor choose_and_run(const std::vector<Kernel<Problem>>& table, const Problem& problem) {
  const vk::DeviceInfo& device = Runtime::get().device();
  for (const auto& kernel : table) {
    if (forced() == kernel.name && usable(kernel, device, problem)) return kernel.run(problem);
  }
  Tuning& tuning = Tuning::active();
  const std::string key = tuning_key(problem);
  if (tuning.needs_measuring(key)) {
    const std::string fastest = measure_fastest(table, problem);
    if (!fastest.empty()) tuning.record(key, fastest);
  }
  if (const auto chosen = tuning.choice(key)) {
    for (const auto& kernel : table) {
      if (kernel.name == *chosen && usable(kernel, device, problem)) return kernel.run(problem);
    }
  }
  const Kernel<Problem>* automatic = built_in_choice(table, device, problem);
  return automatic ? automatic->run(problem) : Tensor();
}

// Unlike the pointer-reading variants it also wins (or ties) on 3-channel outputs and on images
// smaller than the kernel (tiny64, batch 16), so it takes every shape.
bool gemm_texel_data_suits(const vk::DeviceInfo& device, const DataProblem&) {
  return texel_reads_pay_off(device);
}

// gemm_split's automatic choice: every shape that splits on a GPU (on an H200 G_E's small layers
// ran at 0.1 to 6 % of the FMA peak unsplit); a CPU device's few cores are busy without a split.
template <class Problem>
bool on_gpu(const vk::DeviceInfo& device, const Problem&) {
  return device.type != VK_PHYSICAL_DEVICE_TYPE_CPU;
}

// On GPUs, the shapes gemm_split leaves alone, given enough input channels: on an H200 `rows`
// ran 1.5x to 3x faster than `gemm` on every such layer of paper512 with 64 channels (40 to 52 %
// of the FMA peak), and slower on the 3-channel input layer. Measured on that one GPU so far;
// the autotuner corrects it per device.
bool rows_data_suits(const vk::DeviceInfo& device, const DataProblem& problem) {
  return on_gpu(device, problem) && problem.in_channels() >= 16;
}

bool rows_texel_data_suits(const vk::DeviceInfo& device, const DataProblem&) {
  return texel_reads_pay_off(device);
}

template <class Problem>
bool never(const vk::DeviceInfo&, const Problem&) {
  return false;
}

bool gemm_texel_weight_suits(const vk::DeviceInfo& device, const WeightProblem&) {
  return texel_reads_pay_off(device);
}

}  // namespace

const std::vector<Kernel<DataProblem>>& data_kernels() {
  static const std::vector<Kernel<DataProblem>> table{
      {"rows_texel", rows_texel_data_supports, rows_texel_data_suits,
       [](const DataProblem& p) { return run_rows_data(p, true); }, true, true},
      {"gemm_texel", gemm_texel_data_supports, gemm_texel_data_suits,
       [](const DataProblem& p) { return run_gemm_data(p, GemmData::texels); }, true, true},
      {"gemm_split", gemm_split_data_supports, on_gpu<DataProblem>,
       [](const DataProblem& p) { return run_gemm_data(p, GemmData::split); }, true, true},
      {"rows", rows_data_supports, rows_data_suits,
       [](const DataProblem& p) { return run_rows_data(p, false); }, true, true},
      {"gemm", gemm_data_supports, gemm_data_suits,
       [](const DataProblem& p) { return run_gemm_data(p, GemmData::pointers); }, true, true},
      // Unmeasured on GPUs so far (written without one): chosen by the autotuner or by name.
      {"tiled", tiled_data_supports, never<DataProblem>,
       [](const DataProblem& p) { return run_gemm_data(p, GemmData::tiled); }, true, true},
      // The float16-weight twins: on lavapipe no faster than their float32 kernels (loads through
      // pointers go lane by lane whatever their width), on GPUs unmeasured so far.
      {"gemm_split_half", half_supports<gemm_split_data_supports>, never<DataProblem>,
       [](const DataProblem& p) { return run_gemm_data(p, GemmData::split, Packing::halves); },
       true, true, true},
      {"rows_half", half_supports<rows_data_supports>, never<DataProblem>,
       [](const DataProblem& p) { return run_rows_data(p, false, Packing::halves); }, true, true,
       true},
      {"gemm_half", half_supports<gemm_data_supports>, never<DataProblem>,
       [](const DataProblem& p) { return run_gemm_data(p, GemmData::pointers, Packing::halves); },
       true, true, true},
      {"tiled_half", half_supports<tiled_data_supports>, never<DataProblem>,
       [](const DataProblem& p) { return run_gemm_data(p, GemmData::tiled, Packing::halves); },
       true, true, true},
      // Written without a device that has the extension, so unmeasured and untested on one.
      {"coop", coop_data_supports, never<DataProblem>,
       [](const DataProblem& p) { return run_gemm_data(p, GemmData::coop, Packing::halves); }, true,
       true, true},
      // For the tests, never tuned: it checks on every device what coop shares with it.
      {"coop_emulated", coop_emulated_data_supports, never<DataProblem>,
       [](const DataProblem& p) {
         return run_gemm_data(p, GemmData::coop_emulated, Packing::halves);
       },
       false, true, true},
      {"blocked", always<DataProblem>, always<DataProblem>,
       [](const DataProblem& p) { return run_data(p, 4, 4); }},
      {"direct", always<DataProblem>, always<DataProblem>,
       [](const DataProblem& p) { return run_data(p, 1, 1); }, false},
  };
  return table;
}

const std::vector<Kernel<WeightProblem>>& weight_kernels() {
  static const std::vector<Kernel<WeightProblem>> table{
      {"gemm_texel", gemm_texel_weight_supports, gemm_texel_weight_suits,
       [](const WeightProblem& p) { return run_gemm_weight(p, true); }},
      {"gemm_split", gemm_split_weight_supports, on_gpu<WeightProblem>,
       [](const WeightProblem& p) { return run_gemm_weight(p, false, true); }},
      {"gemm", gemm_weight_supports, always<WeightProblem>,
       [](const WeightProblem& p) { return run_gemm_weight(p, false); }},
      {"blocked", always<WeightProblem>, always<WeightProblem>,
       [](const WeightProblem& p) { return run_weight(p, 4); }},
      {"direct", always<WeightProblem>, always<WeightProblem>,
       [](const WeightProblem& p) { return run_weight(p, 1); }, false},
  };
  return table;
}

namespace {

// A float16 kernel must beat every float32 one by this factor to be chosen: timing noise alone
// should not change the precision of a layer.
constexpr double kFloat16Margin = 0.9;
// How far a candidate's output may be from the automatic choice's (max |difference| / max
// |value|): float32 kernels differ only in summation order, float16 ones also in rounding.
constexpr double kFloat32Agreement = 1e-3;
constexpr double kFloat16Agreement = 1e-2;

bool agrees(const std::vector<float>& got, const std::vector<float>& want, double tolerance) {
  if (got.size() != want.size()) return false;
  double worst = 0.0, scale = 0.0;
  for (size_t i = 0; i < got.size(); ++i) {
    if (!std::isfinite(got[i]) && std::isfinite(want[i])) return false;
    worst = std::max(worst, std::abs(static_cast<double>(got[i]) - want[i]));
    scale = std::max(scale, std::abs(static_cast<double>(want[i])));
  }
  return worst <= tolerance * scale;
}

}  // namespace

template <class Problem>
std::string measure_fastest(const std::vector<Kernel<Problem>>& table, const Problem& problem) {
  const vk::DeviceInfo& device = Runtime::get().device();
  vk::Stream& stream = Runtime::get().stream();
  const Kernel<Problem>* automatic = built_in_choice(table, device, problem);
  if (!automatic) return "";
  const std::vector<float> expected = automatic->run(problem).to_host();
  const Kernel<Problem>* fastest[2] = {nullptr, nullptr};  // float32, float16
  double best[2] = {0, 0};
  for (const auto& kernel : table) {
    if (!kernel.tuned || !usable(kernel, device, problem)) continue;
    if (&kernel != automatic) {
      // A driver may also fail to build a kernel's pipeline: that kernel is left out too.
      std::string trouble;
      try {
        const double tolerance = kernel.float16 ? kFloat16Agreement : kFloat32Agreement;
        if (!agrees(kernel.run(problem).to_host(), expected, tolerance)) {
          trouble = "disagrees with " + std::string(automatic->name);
        }
      } catch (const Error& error) {
        trouble = std::string("failed: ") + error.what();
      }
      if (!trouble.empty()) {
        std::cerr << "aegan-vk: autotuner: " << kernel.name << " " << trouble << " on "
                  << tuning_key(problem) << "; not used" << std::endl;
        continue;
      }
    }
    for (int repetition = 0; repetition < 2; ++repetition) {
      stream.finish();
      const auto start = std::chrono::steady_clock::now();
      kernel.run(problem);
      stream.finish();
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const int kind = kernel.float16 ? 1 : 0;
      if (!fastest[kind] || seconds < best[kind]) {
        fastest[kind] = &kernel;
        best[kind] = seconds;
      }
    }
  }
  const bool float16 = fastest[1] && (!fastest[0] || best[1] < kFloat16Margin * best[0]);
  const Kernel<Problem>* chosen = fastest[float16 ? 1 : 0];
  return chosen ? chosen->name : automatic->name;
}

template std::string measure_fastest(const std::vector<Kernel<DataProblem>>&, const DataProblem&);
template std::string measure_fastest(const std::vector<Kernel<WeightProblem>>&,
                                     const WeightProblem&);

Tensor run(const DataProblem& problem) {
  if (problem.fused()) throw Error("internal error: a fused convolution must use run_fused");
  Tensor y = choose_and_run(data_kernels(), problem);
  if (!y.defined()) throw Error("no convolution kernel supports this device and shape");
  return y;
}

Tensor run(const WeightProblem& problem) {
  Tensor dw = choose_and_run(weight_kernels(), problem);
  if (!dw.defined()) throw Error("no convolution kernel supports this device and shape");
  return dw;
}

Tensor run_fused(const DataProblem& problem) {
  return choose_and_run(data_kernels(), problem);
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
    launch_1d(shaders::conv_gemm_fold, static_cast<uint64_t>(channels), push,
              {bn.weight.reads(), bn.bias.reads(), bn.running_mean.reads(), bn.running_var.reads(),
               bias.reads(), folded.writes()});
    return folded;
  });
}

std::string automatic_choice(const vk::DeviceInfo& device, const DataProblem& problem) {
  const auto* kernel = built_in_choice(data_kernels(), device, problem);
  return kernel ? kernel->name : "";
}

std::string automatic_choice(const vk::DeviceInfo& device, const WeightProblem& problem) {
  const auto* kernel = built_in_choice(weight_kernels(), device, problem);
  return kernel ? kernel->name : "";
}

void allow_half_weights(bool allowed) {
  half_weights_allowed() = allowed;
}

bool half_weights(const vk::DeviceInfo& device) {
  return half_weights_allowed() && device.storage_buffer_16bit;
}

void force_variant(const std::string& name) {
  forced() = name;
}

bool is_float16(const std::string& kernel) {
  const auto& data = data_kernels();
  return std::any_of(data.begin(), data.end(),
                     [&](const Kernel<DataProblem>& k) { return k.float16 && kernel == k.name; });
}

std::vector<std::string> variant_names() {
  std::vector<std::string> names;
  auto add = [&](const char* name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.emplace_back(name);
  };
  for (const auto& kernel : data_kernels())
    add(kernel.name);
  for (const auto& kernel : weight_kernels())
    add(kernel.name);
  return names;
}

}  // namespace aegan::ops::conv
