#include <gtest/gtest.h>

#include <unistd.h>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/ops.hpp"
#include "engine/ops/conv_kernels.hpp"
#include "engine/ops/conv_tuning.hpp"
#include "tests/support/compare.hpp"

namespace aegan {
namespace {

std::filesystem::path temporary_file(const std::string& name) {
  const auto folder =
      std::filesystem::temp_directory_path() / ("aegan-tuning-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(folder);
  return folder / name;
}

TEST(ConvTuning, ChoicesSurviveInTheFile) {
  const auto file = temporary_file("choices.json");
  std::filesystem::remove(file);
  {
    ops::conv::Tuning tuning(file);
    EXPECT_FALSE(tuning.choice("data 1x3x5x5").has_value());
    tuning.record("data 1x3x5x5", "blocked");
    tuning.record("weight g1x2x3x3", "gemm");
  }
  const ops::conv::Tuning reread(file);
  EXPECT_EQ(reread.choice("data 1x3x5x5"), "blocked");
  EXPECT_EQ(reread.choice("weight g1x2x3x3"), "gemm");
  EXPECT_FALSE(reread.choice("data 2x3x5x5").has_value());
}

TEST(ConvTuning, UnreadableFileStartsEmpty) {
  const auto file = temporary_file("corrupt.json");
  std::ofstream(file) << "{\"choices\": {\"data 1x3x5x5\": ";
  const ops::conv::Tuning tuning(file);
  EXPECT_FALSE(tuning.choice("data 1x3x5x5").has_value());
}

TEST(ConvTuning, ChoicesAmongOtherKernelsAreNotUsed) {
  const auto file = temporary_file("older.json");
  std::ofstream(file) << R"({"kernels": ["data gemm"], "choices": {"data 1x3x5x5": "gemm"}})";
  EXPECT_FALSE(ops::conv::Tuning(file).choice("data 1x3x5x5").has_value());
  std::ofstream(file) << R"({"choices": {"data 1x3x5x5": "gemm"}})";
  EXPECT_FALSE(ops::conv::Tuning(file).choice("data 1x3x5x5").has_value());
}

TEST(ConvTuning, KeysTellShapesApart) {
  ops::conv::DataProblem a{
      false, Tensor::empty({2, 3, 9, 7}), Tensor::empty({5, 3, 3, 3}), Tensor(), 1, 1, 9, 7};
  ops::conv::DataProblem b = a;
  b.x = Tensor::empty({1, 3, 9, 7});
  ops::conv::DataProblem c = a;
  c.transposed = true;
  ops::conv::DataProblem d = a;
  d.stride = 2;
  ops::conv::DataProblem e = c;  // an input gradient: the coop experiments cannot take it
  e.gradient = true;
  const std::vector<std::string> keys{ops::conv::tuning_key(a), ops::conv::tuning_key(b),
                                      ops::conv::tuning_key(c), ops::conv::tuning_key(d),
                                      ops::conv::tuning_key(e)};
  for (size_t i = 0; i < keys.size(); ++i) {
    for (size_t j = i + 1; j < keys.size(); ++j)
      EXPECT_NE(keys[i], keys[j]);
  }
}

// With measuring on, a convolution times the candidates, records the fastest for its shape, and
// still computes the right result (checked forward and backward against the reference).
TEST(ConvTuning, MeasuringRecordsAChoiceAndKeepsResultsRight) {
  ops::conv::Tuning& tuning = ops::conv::Tuning::active();
  const bool before = tuning.measuring();
  tuning.set_measuring(true);
  const auto x = reference::random_tensor({2, 3, 11, 9}, 31, -1.0, 1.0);
  const auto w = reference::random_tensor({5, 3, 3, 3}, 32, -1.0, 1.0);
  const auto r = reference::random_tensor({2, 5, 6, 5}, 33, -1.0, 1.0);
  Tensor x_d = test::to_device(x), w_d = test::to_device(w);
  x_d.set_requires_grad(true);
  w_d.set_requires_grad(true);
  Tensor y = ops::conv2d(x_d, w_d, Tensor(), {2, 1, ops::Padding::zeros});
  ops::sum(ops::mul(y, test::to_device(r))).backward();
  tuning.set_measuring(before);

  const ops::conv::DataProblem forward{false, x_d.detach(), w_d.detach(), Tensor(), 2, 1, 6, 5};
  const auto chosen = tuning.choice(ops::conv::tuning_key(forward));
  ASSERT_TRUE(chosen.has_value());
  const auto names = ops::conv::variant_names();
  EXPECT_NE(std::find(names.begin(), names.end(), *chosen), names.end());
  EXPECT_NE(*chosen, "direct");  // the fallback is never timed
  EXPECT_TRUE(std::filesystem::exists(tuning.file()));

  EXPECT_TRUE(test::close(y, reference::conv2d(x, w, {}, 2, 1)));
  const auto grads = reference::conv2d_backward(x, w, false, r, 2, 1);
  EXPECT_TRUE(test::close(x_d.grad(), grads.x));
  EXPECT_TRUE(test::close(w_d.grad(), grads.weight));
}

// The autotuner chooses among the production kernels only (its file lists them): experiments run
// only when named.
TEST(ConvTuning, ExperimentsAreNotTuned) {
  const auto file = temporary_file("kernels.json");
  ops::conv::Tuning(file).record("data 1x3x5x5", "blocked");
  const nlohmann::json kernels = nlohmann::json::parse(std::ifstream(file)).at("kernels");
  EXPECT_TRUE(std::find(kernels.begin(), kernels.end(), "data gemm") != kernels.end());
  for (const auto& kernel : ops::conv::experimental_data_kernels()) {
    EXPECT_TRUE(std::find(kernels.begin(), kernels.end(), std::string("data ") + kernel.name) ==
                kernels.end())
        << kernel.name;
  }
}

// A kernel that is fast and wrong (as a miscompiled one on some driver would be) is timed out of
// the running: its output disagrees with the automatic choice's. So is one that throws (a
// pipeline the driver cannot build).
TEST(ConvTuning, MeasuringLeavesOutKernelsThatDisagreeOrFail) {
  using ops::conv::DataProblem;
  using ops::conv::Kernel;
  const auto& real = ops::conv::data_kernels();
  const auto blocked = std::find_if(real.begin(), real.end(), [](const Kernel<DataProblem>& k) {
    return k.name == std::string("blocked");
  });
  ASSERT_NE(blocked, real.end());
  const std::vector<Kernel<DataProblem>> table{
      {"zeros", [](const vk::DeviceInfo&, const DataProblem&) { return true; },
       [](const vk::DeviceInfo&, const DataProblem&) { return false; },
       [](const DataProblem& p) {
         return Tensor::zeros({p.x.dim(0), p.out_channels(), p.out_h, p.out_w});
       }},
      {"throws", [](const vk::DeviceInfo&, const DataProblem&) { return true; },
       [](const vk::DeviceInfo&, const DataProblem&) { return false; },
       [](const DataProblem&) -> Tensor { throw Error("no pipeline"); }},
      {"blocked", blocked->supports, [](const vk::DeviceInfo&, const DataProblem&) { return true; },
       blocked->run},
  };
  const DataProblem problem{false,
                            test::to_device(reference::random_tensor({1, 8, 12, 12}, 41)),
                            test::to_device(reference::random_tensor({16, 8, 3, 3}, 42)),
                            Tensor(),
                            1,
                            1,
                            12,
                            12};
  EXPECT_EQ(ops::conv::measure_fastest(table, problem), "blocked");
}

}  // namespace
}  // namespace aegan
