#pragma once
#include "bench/timing.hpp"

namespace aegan::bench {

// FLOP/s the runtime's device reaches on a kernel of independent fused multiply-adds (see
// shaders/peak.comp). Vulkan reports no clock or ALU count, so this measured figure stands in
// for the datasheet peak: on GPUs it comes close to it, on lavapipe it is what the JIT reaches
// with the CPU cores it gets.
double measure_fma_peak(const Repetitions& repetitions);

}  // namespace aegan::bench
