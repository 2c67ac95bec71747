#include <gtest/gtest.h>
#include <stb/stb_image_write.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>

#include "engine/error.hpp"
#include "engine/io/safetensors.hpp"
#include "nets/models/registry.hpp"
#include "nets/train/run_lock.hpp"
#include "nets/train/trainer.hpp"

namespace aegan::train {
namespace {

namespace fs = std::filesystem;

// A fresh folder per test, removed afterwards; the pid keeps runs of the suite from other
// checkouts at the same time out of each other's folders.
class TrainingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("aegan-train-" + std::to_string(getpid()) + "-" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "images");
    write_images(root_ / "images", 8);
  }
  void TearDown() override { fs::remove_all(root_); }

  // Discs of different colours and sizes on a plain background: easy to reconstruct.
  static void write_images(const fs::path& dir, int count) {
    std::mt19937 random(5);
    for (int i = 0; i < count; ++i) {
      const int size = 48;
      std::vector<uint8_t> rgb(size * size * 3);
      const int cx = 12 + static_cast<int>(random() % 24),
                cy = 12 + static_cast<int>(random() % 24);
      const int radius = 6 + static_cast<int>(random() % 10);
      const uint8_t colour[3] = {static_cast<uint8_t>(random()), static_cast<uint8_t>(random()),
                                 static_cast<uint8_t>(random())};
      for (int y = 0; y < size; ++y) {
        for (int x = 0; x < size; ++x) {
          const bool inside = (x - cx) * (x - cx) + (y - cy) * (y - cy) < radius * radius;
          for (int c = 0; c < 3; ++c)
            rgb[(y * size + x) * 3 + c] = inside ? colour[c] : 30;
        }
      }
      const std::string path = (dir / ("disc" + std::to_string(i) + ".png")).string();
      ASSERT_TRUE(stbi_write_png(path.c_str(), size, size, 3, rgb.data(), size * 3));
    }
  }

  TrainConfig config() const {
    TrainConfig c;
    c.data = root_ / "images";
    c.batch = 4;
    c.stages = {{0, 3, 1e-3}, {0, 3, 2e-4}};
    c.log_every = 1;
    c.sample_every = 100;
    c.checkpoint_every = 100;
    c.sample_count = 4;
    return c;
  }

  RunOptions options(const std::string& run) const {
    RunOptions o;
    o.out = root_ / run;
    return o;
  }

  static std::vector<nlohmann::json> log_lines(const fs::path& run) {
    std::vector<nlohmann::json> lines;
    std::ifstream in(run / "log.jsonl");
    std::string line;
    while (std::getline(in, line))
      lines.push_back(nlohmann::json::parse(line));
    return lines;
  }

  fs::path root_;
};

TEST_F(TrainingTest, ShortRunLearnsAndWritesItsFiles) {
  TrainConfig c = config();
  c.stages = {{0, 60, 2e-3}, {0, 4, 2e-4}, {0, 2, 1e-7}};
  Trainer trainer(c, options("run"));
  EXPECT_TRUE(trainer.run());

  std::vector<nlohmann::json> lines, quality;
  for (auto& line : log_lines(root_ / "run"))
    (line.contains("quality") ? quality : lines).push_back(std::move(line));
  ASSERT_EQ(lines.size(), 66u);
  EXPECT_EQ(lines.front()["batch"].get<int64_t>(), 4);
  // The sample grids at the ends of stages 2 and 3 come with the SWD of x_hat and phi(x_hat),
  // the model's "image".
  ASSERT_EQ(quality.size(), 2u);
  for (size_t i = 0; i < quality.size(); ++i) {
    EXPECT_EQ(quality[i]["stage"].get<int>(), static_cast<int>(i) + 2);
    for (const char* figure : {"swd_x_hat", "swd_image"}) {
      const double value = quality[i]["quality"][figure].get<double>();
      EXPECT_TRUE(std::isfinite(value) && value > 0) << figure << " = " << value;
    }
  }
  const double first = lines.front()["losses"]["ae"].get<double>();
  const double last = lines[59]["losses"]["ae"].get<double>();
  EXPECT_LT(last, first / 2) << "autoencoder L1 went from " << first << " to " << last;
  for (size_t i = 60; i < lines.size(); ++i) {
    for (const auto& [name, value] : lines[i]["losses"].items()) {
      EXPECT_TRUE(std::isfinite(value.get<double>())) << name << " at line " << i;
    }
  }
  EXPECT_TRUE(lines[62]["losses"].contains("phi_l1"));
  EXPECT_TRUE(lines[65]["losses"].contains("total"));
  for (const char* file : {"samples/stage1_step60.png", "samples/stage2_step4.png",
                           "samples/stage3_step2.png", "losses.png", "checkpoint.safetensors"}) {
    EXPECT_TRUE(fs::exists(root_ / "run" / file)) << file;
  }
  const auto model = load_model(root_ / "run" / "checkpoint.safetensors");
  EXPECT_EQ(model->name(), "aegan");
  EXPECT_EQ(model->image_size(), 64);
  EXPECT_EQ(read_checkpoint(root_ / "run" / "checkpoint.safetensors").state.stage, 4);
}

TEST_F(TrainingTest, ResumingGivesTheSameWeightsAsNotStopping) {
  Trainer straight(config(), options("straight"));
  ASSERT_TRUE(straight.run());

  {
    // Gone before the resume, as a stopped process is: it holds the run folder's lock.
    RunOptions first = options("stopped");
    first.max_steps = 4;  // one step into stage 2
    Trainer part(config(), first);
    ASSERT_FALSE(part.run());
    EXPECT_EQ(part.state().stage, 2);
  }
  auto rest = Trainer::resume(options("stopped"));
  ASSERT_TRUE(rest->run());

  const auto a = io::read_safetensors(root_ / "straight" / "checkpoint.safetensors");
  const auto b = io::read_safetensors(root_ / "stopped" / "checkpoint.safetensors");
  ASSERT_EQ(a.tensors.size(), b.tensors.size());
  for (const auto& [name, tensor] : a.tensors) {
    const auto& other = b.at(name).data;
    ASSERT_EQ(tensor.data.size(), other.size()) << name;
    for (size_t i = 0; i < other.size(); ++i) {
      ASSERT_NEAR(tensor.data[i], other[i], 1e-5) << name << "[" << i << "]";
    }
  }
  EXPECT_EQ(log_lines(root_ / "straight").size(), log_lines(root_ / "stopped").size());
}

TEST_F(TrainingTest, TruncatedCheckpointGivesAClearError) {
  TrainConfig c = config();
  c.stages[1] = {0, 0, 2e-4};
  Trainer trainer(c, options("run"));
  ASSERT_TRUE(trainer.run());
  const fs::path path = root_ / "run" / "checkpoint.safetensors";
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  std::mt19937 random(3);
  for (int trial = 0; trial < 10; ++trial) {
    const size_t length = random() % bytes.size();
    const fs::path cut = root_ / "cut.safetensors";
    std::ofstream(cut, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(length));
    EXPECT_THROW(read_checkpoint(cut), Error) << "truncated at " << length;
  }
}

TEST_F(TrainingTest, NonFiniteLossStopsWithTheLastGoodWeights) {
  TrainConfig c = config();
  c.lambda = std::numeric_limits<double>::infinity();
  Trainer trainer(c, options("run"));
  try {
    trainer.run();
    FAIL() << "an infinite phi loss must stop training";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'phi'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("stage 2"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(load_model(root_ / "run" / "last-good.safetensors"));
}

TEST_F(TrainingTest, BatchLargerThanTheDataTrainsWithEveryImage) {
  fs::remove_all(root_ / "images");
  fs::create_directories(root_ / "images");
  write_images(root_ / "images", 3);
  TrainConfig c = config();
  c.batch = 16;
  c.stages = {{2, 0, 1e-3}, {0, 0, 2e-4}};  // two epochs of one batch of all 3 images
  Trainer trainer(c, options("run"));
  EXPECT_EQ(trainer.batch(), 3);
  EXPECT_EQ(trainer.config().batch, 16);
  EXPECT_EQ(trainer.stage_steps(1), 2);
  ASSERT_TRUE(trainer.run());
  const auto lines = log_lines(root_ / "run");
  ASSERT_EQ(lines.size(), 2u);
  for (const auto& line : lines)
    EXPECT_EQ(line["batch"].get<int64_t>(), 3) << line.dump();
}

TEST_F(TrainingTest, ExistingRunIsNotOverwritten) {
  TrainConfig c = config();
  c.stages[1] = {0, 0, 2e-4};
  Trainer(c, options("run")).run();
  EXPECT_THROW(Trainer(c, options("run")), Error);
  EXPECT_THROW(Trainer::resume(options("elsewhere")), Error);
}

TEST_F(TrainingTest, RunFolderIsLockedWhileATrainerHoldsIt) {
  TrainConfig c = config();
  c.stages[1] = {0, 0, 2e-4};
  const std::string in_use = (root_ / "run").string() + " is in use by aegan-vk train (pid " +
                             std::to_string(getpid()) + ")";
  auto expect_in_use = [&](const std::function<void()>& second) {
    try {
      second();
      ADD_FAILURE() << "a second trainer on a busy run folder must be refused";
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind(in_use, 0), 0u) << e.what();
    }
  };
  {
    Trainer first(c, options("run"));
    expect_in_use([&] { Trainer second(c, options("run")); });
    expect_in_use([&] { Trainer::resume(options("run")); });
    ASSERT_TRUE(first.run());
    expect_in_use([&] { Trainer::resume(options("run")); });
  }
  EXPECT_NO_THROW(Trainer::resume(options("run")));
}

TEST_F(TrainingTest, LockFileOfAnEndedTrainerDoesNotBlock) {
  // What a killed trainer leaves: the file naming it, but no lock, which ended with the process.
  fs::create_directories(root_ / "run");
  std::ofstream(RunLock::file(root_ / "run")) << "999999 elsewhere\n";
  TrainConfig c = config();
  c.stages[1] = {0, 0, 2e-4};
  {
    Trainer trainer(c, options("run"));
    EXPECT_TRUE(trainer.run());
  }
  // A trainer that ends empties the file, so it never names a process that is gone.
  EXPECT_EQ(fs::file_size(RunLock::file(root_ / "run")), 0u);
}

}  // namespace
}  // namespace aegan::train
