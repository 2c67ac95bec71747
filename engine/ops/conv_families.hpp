#pragma once
// What the convolution kernel families (engine/ops/conv_direct.cpp, conv_gemm.cpp,
// conv_gemm_weight.cpp, conv_rows.cpp and the experiments in experimental/) share, and what each
// offers the kernel tables (conv_kernels.cpp): the shared piece is conv_shared.cpp.
#include <bit>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "engine/ops/conv_kernels.hpp"
#include "engine/ops/launch.hpp"
#include "shaders/conv_push.h"

namespace aegan::ops::conv {

// Products one weight-gradient invocation sums before its partial sum is written out: bounds the
// length of each dispatch's longest invocation (long dispatches can trip GPU watchdogs) while
// keeping the partial buffer small. Depends only on the shape, so results do not vary by device.
constexpr int64_t kProductsPerChunk = 4096;
constexpr int64_t kMaxPartialFloats = int64_t{1} << 24;

// `value` as a kernel's 32-bit index; throws where it does not fit.
uint32_t u32(int64_t value);
// Blocks of `block` that cover n.
uint64_t blocks(int64_t n, uint32_t block);
// The output tensor of a data pass; throws where the input, weights or output are too large for
// 32-bit indices.
Tensor data_output(const DataProblem& problem);

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

// Columns a grid of `workgroup`-wide workgroups of the tile covers, clamped copies included.
uint64_t column_slots(const Tile& tile, uint32_t workgroup, int64_t columns);
// A CPU device's cores: lavapipe runs a thread per core, each taking whole workgroups.
uint64_t cpu_threads();
Tile gemm_tile(int64_t rows, int64_t columns, uint32_t widest = 4);
// Saturates, so that fits() rejects grids beyond any device's limits.
vk::Groups gemm_groups(const Tile& tile, int64_t rows, int64_t columns, uint64_t depth);
bool fits(const vk::DeviceInfo& device, const vk::Groups& groups);

// Invocations a split data pass aims for: enough to occupy a large discrete GPU (an H200 keeps
// about 270 000 resident, AMD and Intel parts fewer), so that layers with few outputs and long
// sums (G_E's and D_E's 4x4 to 16x16 images of 128 to 512 channels) do not leave it idle. A
// constant: Vulkan reports no count of cores or resident invocations.
constexpr int64_t kSplitInvocations = int64_t{1} << 16;
// How many times over an unsplit GEMM grid of rows x columns must be repeated along z to reach
// kSplitInvocations.
int64_t splits_wanted(int64_t rows, int64_t columns, uint32_t widest);

// Columns of one output phase of a transposed convolution: outputs o0, o0 + stride, ...
int64_t phase_count(int64_t size, int64_t o0, int64_t stride);
// The stride of a transposed convolution's output phases. From a 1x1 input every output pixel
// takes one tap whatever the stride, so phases k apart make each dispatch a plain GEMM with one
// tap instead of k x k taps of which all but one fall outside the input (G_E's first layer).
int64_t phase_stride(const DataProblem& problem);

// One dispatch's share of a data pass: all outputs of a direct convolution, or one output phase
// (oh mod stride, ow mod stride) of a transposed one, whose pixels all take the same kernel taps:
// output (oh0 + i * stride, ow0 + j * stride) takes taps kh0 + t * stride, reading input row
// i + dh0 - t. Direct: taps 0..k-1 read row i * stride + t - pad.
struct Phase {
  int64_t oh0 = 0, ow0 = 0, col_h = 0, col_w = 0;
  int64_t kh0 = 0, kw0 = 0, taps_h = 0, taps_w = 0, dh0 = 0, dw0 = 0;
};

std::vector<Phase> phases(const DataProblem& problem);

// How the packed weights are stored: float32, or float16 for the _half data kernels.
enum class Packing { floats, halves };

// The weights as the GEMM kernels read them, [in][k][k][out rounded up to tile_rows]; kept per
// weight version (derived_cache.hpp). Halves: two per float of the packed tensor.
Tensor pack_weights(const DataProblem& problem, uint32_t tile_rows, Packing packing);

// What the GEMM data kernels add to each output channel: the convolution's bias, or in a fused
// problem BN's shift (the second half of `folded`), or nothing (then x's address, unused).
struct BiasInput {
  const Tensor* tensor;
  VkDeviceAddress address;
  bool present;
};

BiasInput bias_input(const DataProblem& problem);

// Specialization constants 1 and 2 of the data kernels with an epilogue (conv_epilogue.glsl).
inline uint32_t activation_constant(const DataProblem& problem) {
  return static_cast<uint32_t>(problem.activation);
}

inline uint32_t slope_constant(const DataProblem& problem) {
  return std::bit_cast<uint32_t>(problem.slope);
}

// The push constants of a GEMM data dispatch (conv_gemm_data.glsl) for one phase, reading
// `packed` and writing `out`; `chunk_channels` input channels per workgroup z.
GemmDataPush gemm_data_push(const DataProblem& problem, const Phase& phase, const Tensor& packed,
                            const BiasInput& bias, const Tensor& out, int64_t chunk_channels);

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

// dw = the `chunks` partial weight gradients of `partial`, `count` values each, added in
// ascending order (conv.comp's weight_grad_reduce).
void sum_chunks(const Tensor& partial, const Tensor& dw, int64_t count, int64_t chunks);

// The direct family (shaders/conv.comp): `blocked` with 4 x 4, `direct` with 1 x 1 blocks.
Tensor run_direct_data(const DataProblem& problem, uint32_t block, uint32_t pixels);
Tensor run_direct_weight(const WeightProblem& problem, uint32_t block);

// The GEMM data family (shaders/conv_gemm.comp, data and split_sum).
enum class GemmData {
  pointers,  // gemm
  texels,    // gemm_texel: x and the packed weights through texel views where both have one
  split,     // gemm_split: the input channels over workgroups z, the slices then summed by
             // conv_gemm_split_sum
};
bool gemm_data_supports(const vk::DeviceInfo& device, const DataProblem& problem);
bool gemm_texel_data_supports(const vk::DeviceInfo& device, const DataProblem& problem);
bool gemm_split_data_supports(const vk::DeviceInfo& device, const DataProblem& problem);
// Packing::halves: the _half experiments (not with texels).
Tensor run_gemm_data(const DataProblem& problem, GemmData style, Packing packing = Packing::floats);

// The GEMM weight-gradient family (shaders/conv_gemm.comp, weight).
bool gemm_weight_supports(const vk::DeviceInfo& device, const WeightProblem& problem);
bool gemm_split_weight_supports(const vk::DeviceInfo& device, const WeightProblem& problem);
bool gemm_texel_weight_supports(const vk::DeviceInfo& device, const WeightProblem& problem);
// `texels`: read g and s through texel views (conv_gemm_weight_texel). `split`: the rows in
// more chunks (gemm_split).
Tensor run_gemm_weight(const WeightProblem& problem, bool texels, bool split = false);

// The row-run family (shaders/conv_rows.comp).
bool rows_data_supports(const vk::DeviceInfo& device, const DataProblem& problem);
bool rows_texel_data_supports(const vk::DeviceInfo& device, const DataProblem& problem);
Tensor run_rows_data(const DataProblem& problem, bool texels, Packing packing = Packing::floats);

}  // namespace aegan::ops::conv
