#pragma once
// Convolution kernels that no rule picks and that have not run on a GPU: `tiled` (shared-memory
// tiles), the float16-weight twins of the production kernels (`_half`) and the tensor-core kernel
// `coop` with its portable twin `coop_emulated`. They stay out of the production tables (the
// built-in rules and the autotuner never see them) and run only when named: force_variant()
// (AEGAN_VK_CONV_VARIANT, the tests) or `bench ops --variant`. A GPU run that shows one faster
// earns it a row and a rule in conv_kernels.cpp.
#include <vector>

#include "engine/ops/conv_families.hpp"

namespace aegan::ops::conv {

const std::vector<Kernel<DataProblem>>& experimental_data_kernels();

// The shared-memory family (shaders/experimental/conv_tiled.comp).
enum class TiledKernel {
  tiled,          // float32 products from shared-memory tiles
  coop,           // float16 operands through VK_NV_cooperative_matrix
  coop_emulated,  // the same in float32 arithmetic from float16 tiles
};
bool tiled_data_supports(const vk::DeviceInfo& device, const DataProblem& problem);
bool coop_emulated_data_supports(const vk::DeviceInfo& device, const DataProblem& problem);
bool coop_data_supports(const vk::DeviceInfo& device, const DataProblem& problem);
// coop and coop_emulated read float16 weights (Packing::halves).
Tensor run_tiled_data(const DataProblem& problem, TiledKernel kernel, Packing packing);

}  // namespace aegan::ops::conv
