#include "bench/peak.hpp"

#include "engine/ops/launch.hpp"
#include "engine/tensor.hpp"
#include "shaders.hpp"

namespace aegan::bench {
namespace {

struct PeakPush {
  VkDeviceAddress y;
  uint32_t n;
  uint32_t iterations;
};

// Enough invocations to fill any current GPU many times over; the loop length makes one
// dispatch long compared with its launch cost.
constexpr uint32_t kInvocations = 1u << 18;
constexpr uint32_t kIterations = 256;  // a multiple of the shader's unrolled block (4)
constexpr double kFlopsPerIteration = 8 * 4 * 2;

}  // namespace

double measure_fma_peak(const Repetitions& repetitions) {
  Tensor y = Tensor::empty({kInvocations});
  const PeakPush push{y.address(), kInvocations, kIterations};
  const Timing timing = time_repetitions(
      [&] { ops::launch_1d(shaders::peak, kInvocations, push, {y.writes()}); }, repetitions);
  return double{kInvocations} * kIterations * kFlopsPerIteration / timing.seconds;
}

}  // namespace aegan::bench
