#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/io/safetensors.hpp"
#include "nets/models/registry.hpp"
#include "nets/train/trainer.hpp"
#include "tests/nets/models/training_runs.hpp"

namespace aegan::train {
namespace {

namespace fs = std::filesystem;
using test::run_in;
using test::write_stripes;

TrainConfig degan_config(const fs::path& data) {
  TrainConfig c = test::short_run("degan", data, {{0, 3, 1e-3}, {0, 3, 2e-4}});
  c.preset = {"degan-tiny32", {}};
  return c;
}

TEST(DeganTraining, ShortRunHasFiniteLossesAndWritesItsFiles) {
  const test::TempDir dir;
  write_stripes(dir.path() / "data");
  Trainer trainer(degan_config(dir.path() / "data"), run_in(dir.path() / "run"));
  EXPECT_EQ(trainer.config().prior, Prior::normal);
  ASSERT_EQ(trainer.config().stages.size(), 2u);
  ASSERT_TRUE(trainer.run());

  std::ifstream log(dir.path() / "run" / "log.jsonl");
  std::map<int, int> lines;
  for (std::string line; std::getline(log, line);) {
    const nlohmann::json entry = nlohmann::json::parse(line);
    if (entry.contains("quality")) continue;
    const int stage = entry.at("stage").get<int>();
    ++lines[stage];
    const std::vector<const char*> names = stage == 1 ? std::vector<const char*>{"vae", "rec", "kl"}
                                                      : std::vector<const char*>{"d", "g", "hid"};
    for (const char* loss : names)
      EXPECT_TRUE(std::isfinite(entry["losses"][loss].get<double>())) << line;
    if (stage == 1) {
      const auto& l = entry["losses"];
      EXPECT_NEAR(l["vae"].get<double>(), l["rec"].get<double>() + l["kl"].get<double>(),
                  1e-3 * std::abs(l["vae"].get<double>()));
      EXPECT_GE(l["kl"].get<double>(), 0.0) << "a KL divergence is not negative";
    }
  }
  EXPECT_EQ(lines[1], 3);
  EXPECT_EQ(lines[2], 3);
  EXPECT_TRUE(fs::exists(dir.path() / "run" / "samples" / "stage1_step3.png"));
  EXPECT_TRUE(fs::exists(dir.path() / "run" / "samples" / "stage2_step3.png"));
  const io::Safetensors file = io::read_safetensors(dir.path() / "run" / "checkpoint.safetensors");
  EXPECT_EQ(file.metadata.at("model"), "degan");
  EXPECT_EQ(file.metadata.at("v"), "8");
  EXPECT_TRUE(file.tensors.count("vae_enc.fc_mu.weight"));
  EXPECT_TRUE(file.tensors.count("g.fc.linear.weight"));
  const auto model = load_model(file);
  EXPECT_EQ(model->name(), "degan");
  EXPECT_EQ(model->image_size(), 32);
}

TEST(DeganTraining, DefaultsComeFromTheModel) {
  const test::TempDir dir;
  write_stripes(dir.path() / "data");
  TrainConfig config;
  config.model = "degan";
  config.data = dir.path() / "data";
  const Trainer trainer(config, run_in(dir.path() / "run"));
  EXPECT_EQ(trainer.config().preset.preset, "degan-tiny64");
  EXPECT_EQ(trainer.config().batch, 64);  // docs/models/degan.md, "Training schedule"
  ASSERT_EQ(trainer.config().stages.size(), 2u);
  EXPECT_EQ(trainer.config().stages.at(0).epochs, 25);
  EXPECT_EQ(trainer.config().stages.at(0).lr, 1e-3);
  EXPECT_EQ(trainer.config().stages.at(1).lr, 2e-4);
  EXPECT_EQ(trainer.config().posterior, Posterior::sample);
  EXPECT_EQ(trainer.config().g_steps, 1);
}

TEST(DeganTraining, TheVaeStaysFixedWhileTheGanTrains) {
  const test::TempDir dir;
  write_stripes(dir.path() / "data");
  TrainConfig config = degan_config(dir.path() / "data");
  RunOptions first = run_in(dir.path() / "run");
  first.max_steps = 3;
  ASSERT_FALSE(Trainer(config, first).run());
  const auto after_vae = io::read_safetensors(dir.path() / "run" / "checkpoint.safetensors");
  ASSERT_TRUE(Trainer::resume(run_in(dir.path() / "run"))->run());
  const auto after_gan = io::read_safetensors(dir.path() / "run" / "checkpoint.safetensors");
  int g_changed = 0;
  for (const auto& [name, tensor] : after_vae.tensors) {
    if (name.starts_with("vae_")) {
      EXPECT_EQ(tensor.data, after_gan.at(name).data) << name << " moved in stage 2";
    }
    if (name.starts_with("g.") && tensor.data != after_gan.at(name).data) ++g_changed;
  }
  EXPECT_GT(g_changed, 0);
}

TEST(DeganTraining, ResumingGivesTheSameWeightsAsNotStopping) {
  const test::TempDir dir;
  write_stripes(dir.path() / "data");
  TrainConfig config = degan_config(dir.path() / "data");
  config.g_steps = 2;
  test::expect_exact_resume(config, dir.path(), {2, 4});  // in each stage
}

}  // namespace
}  // namespace aegan::train
