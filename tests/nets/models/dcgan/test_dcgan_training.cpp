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

TrainConfig dcgan_config(const fs::path& data) {
  return test::short_run("dcgan", data, {{0, 4, 2e-4}});
}

TEST(DcganTraining, ShortRunHasFiniteLossesAndWritesItsFiles) {
  const test::TempDir dir;
  write_stripes(dir.path() / "data");
  Trainer trainer(dcgan_config(dir.path() / "data"), run_in(dir.path() / "run"));
  EXPECT_EQ(trainer.config().preset.preset, "dcgan-tiny64");
  EXPECT_EQ(trainer.config().prior, Prior::normal);
  ASSERT_EQ(trainer.config().stages.size(), 1u);
  ASSERT_TRUE(trainer.run());

  std::ifstream log(dir.path() / "run" / "log.jsonl");
  int lines = 0;
  for (std::string line; std::getline(log, line);) {
    const nlohmann::json entry = nlohmann::json::parse(line);
    if (entry.contains("quality")) {
      EXPECT_TRUE(entry["quality"].contains("swd_image")) << line;
      continue;
    }
    ++lines;
    for (const char* loss : {"d", "g"})
      EXPECT_TRUE(std::isfinite(entry["losses"][loss].get<double>())) << line;
  }
  EXPECT_EQ(lines, 4);
  EXPECT_TRUE(fs::exists(dir.path() / "run" / "samples" / "stage1_step4.png"));
  const io::Safetensors file = io::read_safetensors(dir.path() / "run" / "checkpoint.safetensors");
  EXPECT_EQ(file.metadata.at("model"), "dcgan");
  EXPECT_EQ(file.metadata.at("prior"), "normal");
  EXPECT_TRUE(file.tensors.count("g.up0.conv.weight"));
  EXPECT_TRUE(file.tensors.count("d.head.weight"));
  const auto model = load_model(file);
  EXPECT_EQ(model->name(), "dcgan");
  EXPECT_EQ(model->prior(), Prior::normal);
}

TEST(DcganTraining, DefaultsComeFromTheModel) {
  const test::TempDir dir;
  write_stripes(dir.path() / "data");
  TrainConfig config;
  config.model = "dcgan";
  config.data = dir.path() / "data";
  const Trainer trainer(config, run_in(dir.path() / "run"));
  EXPECT_EQ(trainer.config().batch, 64);  // docs/models/dcgan.md, "Training"
  EXPECT_EQ(trainer.batch(), 8);          // all the images there are
  EXPECT_EQ(trainer.config().stages.at(0).epochs, 200);
  EXPECT_EQ(trainer.config().stages.at(0).lr, 2e-4);
  EXPECT_EQ(trainer.config().beta1, 0.5);
  EXPECT_EQ(trainer.config().preset.at("w"), 16);
}

TEST(DcganTraining, ResumingGivesTheSameWeightsAsNotStopping) {
  const test::TempDir dir;
  write_stripes(dir.path() / "data");
  test::expect_exact_resume(dcgan_config(dir.path() / "data"), dir.path(), {2});
}

}  // namespace
}  // namespace aegan::train
