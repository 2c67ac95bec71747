#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/io/tensor_transfer.hpp"
#include "engine/optim/adam.hpp"
#include "engine/optim/weight_average.hpp"
#include "tests/engine/io/io_testing.hpp"
#include "tests/reference/reference.hpp"
#include "tests/support/compare.hpp"

namespace aegan {
namespace {

// Odd sizes, a single value, a conv weight and one past a workgroup grid row.
const std::vector<Shape> kShapes{{1}, {7}, {3, 5}, {2, 3, 3, 3}, {1, 17, 241}, {70001}};

optim::NamedTensors parameters(uint64_t seed) {
  optim::NamedTensors named;
  for (size_t i = 0; i < kShapes.size(); ++i) {
    Tensor t = test::to_device(reference::random_tensor(kShapes[i], seed + i));
    t.set_requires_grad(true);
    named.emplace_back("layer" + std::to_string(i) + ".weight", t);
  }
  return named;
}

// Eight Adam steps with fresh gradients, each followed by update(), against the double average
// of the parameters read back after each step: the update must see the step's parameters.
TEST(WeightAverage, FollowsAdamStepsLikeTheReference) {
  for (double decay : {0.999, 0.9, 0.0}) {
    SCOPED_TRACE("decay " + std::to_string(decay));
    const optim::NamedTensors named = parameters(10);
    std::vector<Tensor> live;
    std::vector<reference::Tensor> want;
    for (const auto& [name, t] : named) {
      live.push_back(t);
      want.push_back(test::to_reference(t));
    }
    optim::WeightAverage average(named, decay);
    optim::Adam adam(live, {.lr = 0.05});
    for (int step = 0; step < 8; ++step) {
      for (size_t i = 0; i < live.size(); ++i) {
        const auto grad = reference::random_tensor(kShapes[i], 1000 * step + i);
        live[i].set_grad(test::to_device(grad));
      }
      adam.step();
      average.update();
      for (size_t i = 0; i < live.size(); ++i)
        reference::weight_average_step(want[i], test::to_reference(live[i]), decay);
    }
    for (size_t i = 0; i < live.size(); ++i) {
      SCOPED_TRACE(average.averages()[i].first);
      EXPECT_EQ(average.averages()[i].first, named[i].first);
      EXPECT_LE(test::max_abs_error(average.averages()[i].second, want[i]), 1e-6);
    }
  }
}

TEST(WeightAverage, StartsAsACopyAndADecayOfOneKeepsIt) {
  optim::NamedTensors named = parameters(20);
  optim::WeightAverage average(named, 1.0);
  const auto before = named[3].second.to_host();
  named[3].second.upload(std::vector<float>(before.size(), 5.0f));
  average.update();
  EXPECT_EQ(average.averages()[3].second.to_host(), before);
}

TEST(WeightAverage, CopiesIntoTheParameters) {
  const optim::NamedTensors named = parameters(30);
  optim::WeightAverage average(named, 0.5);
  for (const auto& [name, t] : named)
    Tensor(t).fill(2.0f);
  average.update();
  average.copy_to_parameters();
  for (size_t i = 0; i < named.size(); ++i)
    EXPECT_EQ(named[i].second.to_host(), average.averages()[i].second.to_host());
}

TEST(WeightAverage, SwapsWithTheParametersAndBack) {
  const optim::NamedTensors named = parameters(35);
  optim::WeightAverage average(named, 0.5);
  for (const auto& [name, t] : named)
    Tensor(t).fill(3.0f);
  average.update();
  std::vector<std::vector<float>> live, averaged;
  for (size_t i = 0; i < named.size(); ++i) {
    live.push_back(named[i].second.to_host());
    averaged.push_back(average.averages()[i].second.to_host());
  }
  average.swap_with_parameters();
  for (size_t i = 0; i < named.size(); ++i) {
    EXPECT_EQ(named[i].second.to_host(), averaged[i]);
    EXPECT_EQ(average.averages()[i].second.to_host(), live[i]);
  }
  average.swap_with_parameters();
  for (size_t i = 0; i < named.size(); ++i) {
    EXPECT_EQ(named[i].second.to_host(), live[i]);
    EXPECT_EQ(average.averages()[i].second.to_host(), averaged[i]);
  }
}

TEST(WeightAverage, SavesAndLoadsAsNamedTensors) {
  io::testing::TempDir dir;
  const optim::NamedTensors named = parameters(40);
  optim::WeightAverage average(named, 0.7);
  for (const auto& [name, t] : named)
    Tensor(t).fill(-1.0f);
  average.update();
  io::Safetensors file;
  for (const auto& [name, t] : average.averages())
    file.tensors["average." + name] = io::download(t);
  io::write_safetensors(dir / "average.safetensors", file);

  optim::WeightAverage restored(parameters(50), 0.7);
  const io::Safetensors read = io::read_safetensors(dir / "average.safetensors");
  restored.load(read, "average.");
  for (size_t i = 0; i < named.size(); ++i) {
    EXPECT_EQ(restored.averages()[i].second.to_host(), average.averages()[i].second.to_host());
  }
  EXPECT_THROW(restored.load(read), Error);  // no tensor without the prefix
}

TEST(WeightAverage, RejectsBadDecaysAndParameters) {
  EXPECT_THROW(optim::WeightAverage(parameters(60), 1.5), Error);
  EXPECT_THROW(optim::WeightAverage(parameters(60), -0.1), Error);
  EXPECT_THROW(optim::WeightAverage(parameters(60), std::nan("")), Error);
  EXPECT_THROW(optim::WeightAverage({{"missing", Tensor()}}, 0.9), Error);
}

}  // namespace
}  // namespace aegan
