#include "engine/ops/experimental/conv_experiments.hpp"

#include "engine/runtime.hpp"

namespace aegan::ops::conv {
namespace {

bool& half_weights_allowed() {
  static bool allowed = Runtime::get().settings().fp16;
  return allowed;
}

// The _half twin of a kernel reading packed weights through pointers.
template <bool (*supports)(const vk::DeviceInfo&, const DataProblem&)>
bool half_supports(const vk::DeviceInfo& device, const DataProblem& problem) {
  return half_weights(device) && supports(device, problem);
}

}  // namespace

const std::vector<Kernel<DataProblem>>& experimental_data_kernels() {
  static const std::vector<Kernel<DataProblem>> table{
      {.name = "tiled",
       .supports = tiled_data_supports,
       .run =
           [](const DataProblem& p) {
             return run_tiled_data(p, TiledKernel::tiled, Packing::floats);
           },
       .fuses = true},
      // The float16-weight twins: on lavapipe no faster than their float32 kernels (loads through
      // pointers go lane by lane whatever their width).
      {.name = "gemm_split_half",
       .supports = half_supports<gemm_split_data_supports>,
       .run =
           [](const DataProblem& p) { return run_gemm_data(p, GemmData::split, Packing::halves); },
       .fuses = true},
      {.name = "rows_half",
       .supports = half_supports<rows_data_supports>,
       .run = [](const DataProblem& p) { return run_rows_data(p, false, Packing::halves); },
       .fuses = true},
      {.name = "gemm_half",
       .supports = half_supports<gemm_data_supports>,
       .run =
           [](const DataProblem& p) {
             return run_gemm_data(p, GemmData::pointers, Packing::halves);
           },
       .fuses = true},
      {.name = "tiled_half",
       .supports = half_supports<tiled_data_supports>,
       .run =
           [](const DataProblem& p) {
             return run_tiled_data(p, TiledKernel::tiled, Packing::halves);
           },
       .fuses = true},
      // Written without a device that has the extension, so it has never run.
      {.name = "coop",
       .supports = coop_data_supports,
       .run =
           [](const DataProblem& p) {
             return run_tiled_data(p, TiledKernel::coop, Packing::halves);
           },
       .fuses = true},
      // For the tests: it checks on every device what coop shares with it.
      {.name = "coop_emulated",
       .supports = coop_emulated_data_supports,
       .run =
           [](const DataProblem& p) {
             return run_tiled_data(p, TiledKernel::coop_emulated, Packing::halves);
           },
       .fuses = true},
  };
  return table;
}

void allow_half_weights(bool allowed) {
  half_weights_allowed() = allowed;
}

bool half_weights(const vk::DeviceInfo& device) {
  return half_weights_allowed() && device.storage_buffer_16bit;
}

}  // namespace aegan::ops::conv
