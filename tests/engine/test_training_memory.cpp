#include <gtest/gtest.h>

#include <vector>

#include "engine/autograd.hpp"
#include "engine/init.hpp"
#include "engine/ops.hpp"
#include "engine/optim/adam.hpp"
#include "engine/runtime.hpp"

namespace aegan {
namespace {

Tensor parameter(const Shape& shape, float mean, float std, Rng& rng) {
  Tensor t = Tensor::empty(shape);
  normal_(t, mean, std, rng);
  t.set_requires_grad(true);
  return t;
}

// A long training loop must run in constant device memory: every tensor of an iteration (graph,
// saved activations, gradients, reduction partials) is released and its memory reused, so after
// warm-up neither the bytes in use nor the pool's blocks grow.
TEST(TrainingMemory, ThousandIterationsRunInConstantMemory) {
  constexpr int kIterations = 1000, kWarmUp = 20;
  const Shape shape{4, 3, 9, 11};
  Rng rng(11);
  const Tensor x = uniform(shape, -1.0f, 1.0f, rng);
  const Tensor target = ops::scale(ops::tanh(ops::scale(x, 1.5f)), 0.5f);
  Tensor w1 = parameter(shape, 1.0f, 0.02f, rng), b1 = parameter(shape, 0.0f, 0.02f, rng);
  Tensor w2 = parameter(shape, 1.0f, 0.02f, rng), b2 = parameter(shape, 0.0f, 0.02f, rng);
  optim::Adam adam({w1, b1, w2, b2}, {.lr = 1e-2});

  vk::MemoryPool& memory = Runtime::get().memory();
  vk::MemoryStats warm;
  float first_loss = 0.0f, last_loss = 0.0f;
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    {
      Tensor h = ops::relu(ops::add(ops::mul(x, w1), b1));
      Tensor y = ops::tanh(ops::add(ops::mul(h, w2), b2));
      Tensor error = ops::sub(y, target);
      Tensor loss = ops::mean(ops::mul(error, error));
      adam.zero_grad();
      loss.backward();
      adam.step();
      // Like a training log: the host reads a loss now and then, not every step.
      if (iteration == 0) first_loss = loss.item();
      if (iteration % 100 == 99) last_loss = loss.item();
    }
    const vk::MemoryStats now = memory.stats();
    if (iteration == kWarmUp) warm = now;
    if (iteration > kWarmUp) {
      ASSERT_EQ(now.bytes_in_use, warm.bytes_in_use) << "iteration " << iteration;
      ASSERT_EQ(now.blocks, warm.blocks) << "iteration " << iteration;
      ASSERT_EQ(now.bytes_reserved, warm.bytes_reserved) << "iteration " << iteration;
    }
  }
  EXPECT_EQ(adam.steps(), std::vector<int64_t>(4, kIterations));
  EXPECT_LT(last_loss, 0.1f * first_loss);
}

}  // namespace
}  // namespace aegan
