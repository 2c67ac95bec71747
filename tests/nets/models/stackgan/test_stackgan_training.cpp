#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/autograd.hpp"
#include "engine/error.hpp"
#include "engine/io/safetensors.hpp"
#include "engine/ops.hpp"
#include "nets/models/registry.hpp"
#include "nets/models/stackgan/model.hpp"
#include "nets/train/trainer.hpp"
#include "tests/nets/models/training_runs.hpp"

namespace aegan::stackgan {
namespace {

namespace fs = std::filesystem;
using test::run_in;
using test::write_stripes;
using train::TrainConfig;
using train::Trainer;

StackganModel tiny() {
  return StackganModel(preset_sizes(preset_by_name("sg-tiny")), Prior::normal);
}

TEST(Stackgan, TrainingMemoryIsEveryWeightFourTimesAndTheAverage) {
  StackganModel model = tiny();
  EXPECT_EQ(model.training_bytes(), 4 * (4 * (951048 + 175297 + 995265) + 951048));
  EXPECT_NO_THROW(check_training_memory("sg512", 100, 100));
  try {
    check_training_memory("sg512", int64_t{6174} << 20, int64_t{4} << 30);
    FAIL() << "too little memory must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "StackGAN-v2 sg512 needs 6.0 GiB of device memory for its weights, gradients and "
              "Adam moments; this device has 4.0 GiB");
  }
}

TEST(Stackgan, RealImagesAreTwoByTwoMeans) {
  StackganModel model = tiny();
  std::vector<float> values(2 * 3 * 128 * 128);
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = static_cast<float>((i * 7919) % 255) / 127.5f - 1.0f;
  const Tensor x = Tensor::from_host({2, 3, 128, 128}, values);
  NoGradGuard no_grad;
  const std::vector<Tensor> reals = model.real_images(x);
  ASSERT_EQ(reals.size(), 2u);
  EXPECT_EQ(reals[1].to_host(), values);
  ASSERT_EQ(reals[0].shape(), (Shape{2, 3, 64, 64}));
  const auto small = reals[0].to_host();
  for (size_t i : {size_t{0}, size_t{4097}, small.size() - 1}) {
    const size_t plane = i / 4096, y = i % 4096 / 64, x_ = i % 64;
    const size_t top = plane * 16384 + 2 * y * 128 + 2 * x_;
    const double mean =
        (values[top] + values[top + 1] + values[top + 128] + values[top + 129]) / 4.0;
    EXPECT_NEAR(small[i], mean, 1e-6) << i;
  }
}

TEST(Stackgan, GenerateUsesTheAverageAndShowsEveryBranchAtFullSize) {
  StackganModel model = tiny();
  model.initialise(4);
  model.set_training(false);
  NoGradGuard no_grad;
  const Tensor z = ops::normal({2, 16, 1, 1}, 3);
  const auto live = model.g().images(z);
  // A different average: generate() must use it and leave the live weights as they were.
  for (const auto& [name, average] : model.average().averages()) {
    Tensor target = average;
    target.upload(ops::scale(average, 0.5f).to_host());
  }
  const auto before = model.g().parameters().front().second.to_host();
  const std::vector<NamedImages> parts = model.generate(z);
  EXPECT_EQ(model.g().parameters().front().second.to_host(), before);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].name, "s64");
  EXPECT_EQ(parts[1].name, "image");
  EXPECT_EQ(parts[0].images.shape(), (Shape{2, 3, 128, 128}));
  EXPECT_NE(parts[1].images.to_host(), live[1].to_host());
  model.average().swap_with_parameters();
  EXPECT_EQ(model.g().images(z)[1].to_host(), parts[1].images.to_host());
  // s_1 enlarged by repeating each pixel 2x2.
  const auto small = model.g().images(z)[0].to_host(), shown = parts[0].images.to_host();
  model.average().swap_with_parameters();
  EXPECT_EQ(shown[0], small[0]);
  EXPECT_EQ(shown[129], small[0]);
  EXPECT_EQ(shown[2], small[1]);
}

TEST(Stackgan, InitialisationIsOrthogonal) {
  StackganModel model = tiny();
  model.initialise(5);
  for (const auto& [name, tensor] : model.g().parameters()) {
    if (name != "h_net2.jointConv.0.weight") continue;
    // [32, 288]: wide, so its rows are orthonormal.
    const auto w = tensor.to_host();
    const size_t rows = 32, cols = 288;
    for (size_t a : {size_t{0}, size_t{5}}) {
      for (size_t b : {size_t{0}, size_t{7}}) {
        double dot = 0;
        for (size_t k = 0; k < cols; ++k)
          dot += static_cast<double>(w[a * cols + k]) * w[b * cols + k];
        EXPECT_NEAR(dot, a == b ? 1.0 : 0.0, 1e-4) << a << " " << b;
      }
    }
    EXPECT_EQ(rows * cols, w.size());
  }
  // The average starts as the weights.
  const auto live = model.g().parameters();
  const auto& averages = model.average().averages();
  for (size_t i = 0; i < live.size(); ++i)
    EXPECT_EQ(averages[i].second.to_host(), live[i].second.to_host()) << averages[i].first;
}

TrainConfig stackgan_config(const fs::path& data) {
  TrainConfig c = test::short_run("stackgan", data, {{0, 4, 2e-4}});
  c.ema_reload_every = 3;
  return c;
}

TEST(StackganTraining, ShortRunHasFiniteLossesAndWritesItsFiles) {
  const test::TempDir dir;
  write_stripes(dir.path() / "data");
  Trainer trainer(stackgan_config(dir.path() / "data"), run_in(dir.path() / "run"));
  EXPECT_EQ(trainer.config().preset.preset, "sg-tiny");
  EXPECT_EQ(trainer.config().augmentation, train::Augmentation::crop_flip);
  ASSERT_TRUE(trainer.run());
  std::ifstream log(dir.path() / "run" / "log.jsonl");
  int lines = 0;
  for (std::string line; std::getline(log, line);) {
    const nlohmann::json entry = nlohmann::json::parse(line);
    if (entry.contains("quality")) continue;
    ++lines;
    for (const char* loss : {"d64", "d128", "g", "colour"})
      EXPECT_TRUE(std::isfinite(entry["losses"][loss].get<double>())) << line;
  }
  EXPECT_EQ(lines, 4);
  const io::Safetensors file = io::read_safetensors(dir.path() / "run" / "checkpoint.safetensors");
  EXPECT_EQ(file.metadata.at("model"), "stackgan");
  EXPECT_EQ(file.metadata.at("r"), "128");
  EXPECT_TRUE(file.tensors.count("g.h_net1.fc.0.weight"));
  EXPECT_TRUE(file.tensors.count("g_ema.h_net1.fc.0.weight"));
  EXPECT_FALSE(file.tensors.count("g_ema.h_net1.fc.1.running_mean")) << "parameters only";
  EXPECT_TRUE(file.tensors.count("d128.logits.0.bias"));
  // Step 3 put the average into the weights; step 4 moved the weights on.
  EXPECT_NE(file.at("g.h_net2.jointConv.0.weight").data,
            file.at("g_ema.h_net2.jointConv.0.weight").data);
  const auto model = load_model(file);
  EXPECT_EQ(model->name(), "stackgan");
  EXPECT_EQ(model->image_size(), 128);
}

// The official pipeline is the default: its crops train otherwise than the whole images.
TEST(StackganTraining, CropsAndMirrorsItsTrainingImages) {
  const test::TempDir dir;
  write_stripes(dir.path() / "data");
  TrainConfig config = test::short_run("stackgan", dir.path() / "data", {{0, 1, 2e-4}});
  ASSERT_TRUE(Trainer(config, run_in(dir.path() / "cropped")).run());
  config.augmentation = train::Augmentation::none;
  ASSERT_TRUE(Trainer(config, run_in(dir.path() / "whole")).run());
  const auto a = io::read_safetensors(dir.path() / "cropped" / "checkpoint.safetensors");
  const auto b = io::read_safetensors(dir.path() / "whole" / "checkpoint.safetensors");
  EXPECT_NE(a.at("d128.img_code_s16.0.weight").data, b.at("d128.img_code_s16.0.weight").data);
}

TEST(StackganTraining, ResumingGivesTheSameWeightsAsNotStopping) {
  const test::TempDir dir;
  write_stripes(dir.path() / "data");
  // Stopped after step 2, the step before the average goes into the weights.
  test::expect_exact_resume(stackgan_config(dir.path() / "data"), dir.path(), {2});
}

}  // namespace
}  // namespace aegan::stackgan
