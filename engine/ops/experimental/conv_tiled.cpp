// The shared-memory family (shaders/experimental/conv_tiled.comp): `tiled`, `tiled_half`, `coop`
// and `coop_emulated`, experiments (conv_experiments.hpp).
#include "engine/ops/experimental/conv_experiments.hpp"
#include "shaders.hpp"

namespace aegan::ops::conv {
namespace {

// The shared-memory kernel (conv_tiled_data): 256 invocations compute a tile of 64 output
// channels x 64 columns, staging 16 reduction steps of both operands (two 4 KiB tiles).
constexpr uint32_t kTiledWorkgroup = 256;
constexpr int64_t kTiledSide = 64;
constexpr uint32_t kTiledSharedBytes = 2 * 16 * kTiledSide * 4;

vk::Groups tiled_groups(int64_t rows, int64_t columns) {
  constexpr auto side = static_cast<uint32_t>(kTiledSide);
  return gemm_groups(Tile{side, 1, side}, rows, columns, 1);
}

const vk::ShaderCode& tiled_shader(TiledKernel kernel, Packing packing) {
  switch (kernel) {
    case TiledKernel::coop:
      return shaders::conv_tiled_coop;
    case TiledKernel::coop_emulated:
      return shaders::conv_tiled_coop_emulated;
    default:
      return packing == Packing::halves ? shaders::conv_tiled_data_half : shaders::conv_tiled_data;
  }
}

}  // namespace

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

// One dispatch per phase, as run_gemm_data's.
Tensor run_tiled_data(const DataProblem& problem, TiledKernel kernel, Packing packing) {
  const Tensor& x = problem.x;
  const int64_t out_c = problem.out_channels();
  Tensor y = data_output(problem);
  const BiasInput bias = bias_input(problem);
  const Tensor packed = pack_weights(problem, kTiledSide, packing);
  for (const Phase& phase : phases(problem)) {
    const int64_t columns = x.dim(0) * phase.col_h * phase.col_w;
    launch_data_kernel(tiled_shader(kernel, packing), false,
                       {kTiledWorkgroup, activation_constant(problem), slope_constant(problem)},
                       tiled_groups(out_c, columns),
                       gemm_data_push(problem, phase, packed, bias, y, x.dim(1)),
                       {x, packed, *bias.tensor, y});
  }
  return y;
}

}  // namespace aegan::ops::conv
