// The built-in kernel choice of the convolution tables, on this device as it is and as if it were
// a discrete GPU (its limits kept): CI has only lavapipe, and the GPU rules come from
// measurements on a GPU (docs/kernels.md).
#include <gtest/gtest.h>

#include "engine/ops/conv_kernels.hpp"
#include "engine/runtime.hpp"

namespace aegan {
namespace {

using ops::conv::automatic_choice;
using ops::conv::DataProblem;
using ops::conv::WeightProblem;

// A direct convolution of x [n, c, size, size] to `out_c` channels, k x k, stride 1, no padding.
DataProblem conv(int64_t n, int64_t c, int64_t size, int64_t out_c, int64_t k) {
  DataProblem problem;
  problem.x = Tensor::empty({n, c, size, size});
  problem.weight = Tensor::empty({out_c, c, k, k});
  problem.out_h = problem.out_w = size - k + 1;
  return problem;
}

vk::DeviceInfo as_gpu() {
  vk::DeviceInfo device = Runtime::get().device();
  device.type = VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU;
  return device;
}

TEST(ConvChoice, GpusSplitSmallImagesWithManyChannels) {
  // G_E's 4x4 layers of 512 channels: a few workgroups unsplit.
  EXPECT_EQ(automatic_choice(as_gpu(), conv(1, 512, 6, 512, 3)), "gemm_split");
  const WeightProblem weight{Tensor::empty({16, 128, 16, 16}), Tensor::empty({16, 128, 18, 18}), 3,
                             1, 0};
  EXPECT_EQ(automatic_choice(as_gpu(), weight), "gemm_split");
}

TEST(ConvChoice, GpusRunLargeImagesOnRowKernels) {
  // H's 64x64 layers at batch 16: enough invocations without a split.
  EXPECT_EQ(automatic_choice(as_gpu(), conv(16, 64, 66, 64, 3)), "rows");
  // Few input channels (the image layer): the GEMM.
  EXPECT_EQ(automatic_choice(as_gpu(), conv(4, 3, 130, 16, 3)), "gemm");
}

TEST(ConvChoice, CpuDevicesNeverSplit) {
  const vk::DeviceInfo& device = Runtime::get().device();
  if (device.type != VK_PHYSICAL_DEVICE_TYPE_CPU) {
    GTEST_SKIP() << "the device is not a CPU implementation";
  }
  for (const DataProblem& problem : {conv(1, 512, 6, 512, 3), conv(16, 64, 66, 64, 3)}) {
    EXPECT_EQ(automatic_choice(device, problem), "rows_texel");
  }
}

}  // namespace
}  // namespace aegan
