#include <gtest/gtest.h>
#include <stb/stb_image_write.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/init.hpp"
#include "engine/io/safetensors.hpp"
#include "engine/ops.hpp"
#include "engine/runtime.hpp"
#include "nets/data/image_set.hpp"
#include "nets/data/loader.hpp"
#include "nets/model_io.hpp"
#include "nets/models/aegan/preset.hpp"
#include "nets/models/aegan/steps.hpp"
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

// Two micro-batches of 4 in one step of stage 1 are the mean of two models' gradients on the two
// halves of the step's batch of 8 (each half with its own batch norm), and the mean of their BN
// statistics.
TEST_F(TrainingTest, AccumulatedStepIsTheMeanOfItsMicroBatches) {
  TrainConfig c = config();
  c.micro_batches = 2;
  c.stages = {{0, 1, 1e-3}, {0, 1, 2e-4}};
  RunOptions one_step = options("accumulated");
  one_step.max_steps = 1;
  Trainer trainer(c, one_step);
  EXPECT_EQ(trainer.global_batch(), 8);
  ASSERT_FALSE(trainer.run());

  const Preset preset = preset_by_name("tiny64");
  data::ImageOptions image_options;
  image_options.resolution = preset.r;
  const data::ImageSet images = data::ImageSet::open(c.data, image_options, {});
  data::Loader loader(images, {8, c.seed + 1, {}});
  const std::vector<float> batch = loader.next().images;
  const size_t half = batch.size() / 2;
  Aegan a(preset), b(preset);
  a.initialise(c.seed);
  b.initialise(c.seed);
  prepare_stage(a, 1);
  prepare_stage(b, 1);
  Optimizers optimizers = make_optimizers(a, 1, c);
  for (Aegan* model : {&a, &b}) {
    const Tensor x = Tensor::from_host({4, 3, preset.r, preset.r},
                                       std::span(batch).subspan(model == &a ? 0 : half, half));
    ops::l1_loss(model->f().forward(model->h().forward(x)), x).backward();
  }
  const nn::NamedTensors a_state = a.state(), b_state = b.state();
  optim::Adam& adam = *optimizers[0].adam;
  for (Tensor parameter : adam.parameters()) {
    for (size_t i = 0; i < a_state.size(); ++i) {
      if (a_state[i].second.impl() != parameter.impl()) continue;
      parameter.set_grad(ops::scale(ops::add(parameter.grad(), b_state[i].second.grad()), 0.5f));
    }
  }
  adam.step();
  const nn::NamedTensors trained = trainer.model().state();
  ASSERT_EQ(trained.size(), a_state.size());
  for (size_t i = 0; i < trained.size(); ++i) {
    const std::vector<float> got = trained[i].second.to_host();
    std::vector<float> want = a_state[i].second.to_host();
    if (trained[i].first.find("running_") != std::string::npos) {
      const std::vector<float> other = b_state[i].second.to_host();
      for (size_t j = 0; j < want.size(); ++j)
        want[j] = (want[j] + other[j]) * 0.5f;
    }
    for (size_t j = 0; j < want.size(); ++j)
      ASSERT_NEAR(got[j], want[j], 1e-5 + 1e-5 * std::abs(want[j]))
          << trained[i].first << "[" << j << "]";
  }
}

TEST_F(TrainingTest, MicroBatchesBeyondTheDataAreRefused) {
  TrainConfig c = config();
  c.micro_batches = 3;  // 12 images a step; there are 8
  EXPECT_THROW(
      {
        try {
          Trainer trainer(c, options("refused"));
        } catch (const Error& e) {
          EXPECT_STREQ(e.what(), "the data has 8 images, fewer than a step's 3 micro-batches of 4");
          throw;
        }
      },
      Error);
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

// AEGAN's schedule (docs/models/aegan.md) for the step functions, which the Trainer otherwise fills
// in from the model.
TrainConfig aegan_schedule() {
  TrainConfig config;
  config.stages = {{100, 0, 1e-5}, {200, 0, 2e-4}, {0, 0, 1e-7}};
  return config;
}

// A step of stage 2 on fresh tiny64 weights, its inputs and optimisers made alike for each model.
struct GanStep {
  Aegan model{preset_by_name("tiny64")};
  TrainConfig config = aegan_schedule();
  Optimizers optimizers;
  Tensor x, z;

  GanStep() {
    model.initialise(1);
    prepare_stage(model, 2);
    optimizers = make_optimizers(model, 2, config);
    Rng rng(2);
    x = uniform({2, 3, model.preset().r, model.preset().r}, -1.0f, 1.0f, rng);
    z = uniform({2, model.preset().nz, 1, 1}, -1.0f, 1.0f, rng);
  }
  LossValues run(uint64_t seed) {
    model.set_dropout_seed(seed);
    return gan_step(model, optimizers, x, z, config.lambda);
  }
  // Every parameter by checkpoint name ("d_r.down0.conv.weight") and the state of its optimiser
  // ("d_r/exp_avg/d_r.down0.conv.weight", ".../step/..."), bit for bit, NaN included.
  std::map<std::string, std::vector<uint32_t>> state() {
    auto bits = [](const Tensor& t) {
      const auto values = t.to_host();
      std::vector<uint32_t> out(values.size());
      std::memcpy(out.data(), values.data(), values.size() * sizeof(float));
      return out;
    };
    std::map<std::string, std::vector<uint32_t>> state;
    for (auto [name, net] : model.networks()) {
      for (const auto& [parameter, tensor] : net->parameters(std::string(name) + "."))
        state[parameter] = bits(tensor);
    }
    for (const Optimizer& o : optimizers) {
      for (size_t i = 0; i < o.parameter_names.size(); ++i) {
        const std::string& parameter = o.parameter_names[i];
        state[o.name + "/exp_avg/" + parameter] = bits(o.adam->exp_avg()[i]);
        state[o.name + "/exp_avg_sq/" + parameter] = bits(o.adam->exp_avg_sq()[i]);
        state[o.name + "/step/" + parameter] = {static_cast<uint32_t>(o.adam->steps()[i])};
      }
    }
    return state;
  }
  // Runs a step that must stop at the non-finite loss `bad`; returns the host waits it took.
  uint64_t run_non_finite(uint64_t seed, const std::string& bad) {
    const uint64_t waits = Runtime::get().stream().host_waits();
    try {
      run(seed);
      ADD_FAILURE() << "the step must stop at the non-finite loss " << bad;
    } catch (const NonFiniteLoss& e) {
      EXPECT_EQ(e.loss(), bad);
    }
    return Runtime::get().stream().host_waits() - waits;
  }
};

using State = std::map<std::string, std::vector<uint32_t>>;

// The names whose values differ between a and b, among those of the given networks (the first
// part of a name, before its first '.' or '/').
std::vector<std::string> differences(const State& a, const State& b,
                                     const std::set<std::string>& networks) {
  std::vector<std::string> names;
  for (const auto& [name, values] : a) {
    if (!networks.contains(name.substr(0, name.find_first_of("./")))) continue;
    if (!b.contains(name) || b.at(name) != values) names.push_back(name);
  }
  return names;
}

const std::set<std::string> kNetworks{"g_e", "h", "f", "d_e", "d_r", "phi"};

TEST(TrainingStep, WaitsForTheDeviceOncePerStep) {
  Aegan model(preset_by_name("tiny64"));
  model.initialise(1);
  TrainConfig config = aegan_schedule();
  config.phi_warm_start = PhiWarmStart::identity;  // two losses and optimisers in stage 1
  Rng rng(2);
  const Tensor x = uniform({2, 3, model.preset().r, model.preset().r}, -1.0f, 1.0f, rng);
  const Tensor z = uniform({2, model.preset().nz, 1, 1}, -1.0f, 1.0f, rng);
  for (int stage = 1; stage <= 3; ++stage) {
    SCOPED_TRACE(stage);
    prepare_stage(model, stage);
    Optimizers optimizers = make_optimizers(model, stage, config);
    const uint64_t waits = Runtime::get().stream().host_waits();
    const LossValues losses = stage == 1
                                  ? autoencoder_step(model, optimizers, x, config.phi_warm_start)
                              : stage == 2 ? gan_step(model, optimizers, x, z, config.lambda)
                                           : finetune_step(model, optimizers, x, z, config.lambda);
    EXPECT_EQ(Runtime::get().stream().host_waits() - waits, 1u);
    EXPECT_EQ(losses.size(), stage == 1 ? 2u : stage == 2 ? 6u : 7u);
    for (const auto& [name, value] : losses)
      EXPECT_TRUE(std::isfinite(value)) << name;
  }
}

// NaN weights in the frozen H make D_E's loss, the step's first, NaN, while every later loss
// stays finite: no optimiser of the step may update, so every network's parameters and every
// optimiser's moments and step counts are those from before the step.
TEST(TrainingStep, NonFiniteFirstLossLeavesEveryNetworkAsBefore) {
  GanStep step;
  step.run(1);  // moments and step counts that a skipped step could disturb
  for (auto& [name, tensor] : step.model.h().parameters())
    tensor.fill(std::numeric_limits<float>::quiet_NaN());
  const State before = step.state();
  EXPECT_EQ(step.run_non_finite(2, "d_e"), 1u);
  EXPECT_EQ(differences(before, step.state(), kNetworks), std::vector<std::string>{});
}

// NaN weights in D_R make its loss, the third, NaN: D_E and G_E have stepped on their finite
// losses exactly as in the same step without the NaN, while D_R and phi, whose updates come after
// the bad loss, stay as they were.
TEST(TrainingStep, NonFiniteLossMidStepKeepsTheUpdatesBeforeIt) {
  GanStep poisoned, clean;
  poisoned.run(1);
  clean.run(1);
  for (auto& [name, tensor] : poisoned.model.d_r().parameters())
    tensor.fill(std::numeric_limits<float>::quiet_NaN());
  const State before = poisoned.state();
  EXPECT_EQ(poisoned.run_non_finite(2, "d_r"), 1u);
  clean.run(2);
  const State after = poisoned.state();
  EXPECT_EQ(differences(before, after, {"d_r", "phi", "h", "f"}), std::vector<std::string>{});
  EXPECT_EQ(differences(clean.state(), after, {"d_e", "g_e"}), std::vector<std::string>{});
  EXPECT_NE(differences(before, after, {"d_e", "g_e"}), std::vector<std::string>{});
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

// --phi-warm-start trains phi in stage 1 alongside the autoencoder, which it leaves alone.
TEST_F(TrainingTest, PhiWarmStartTrainsPhiInStageOneOnly) {
  std::map<PhiWarmStart, io::Safetensors> results;
  for (const auto& [mode, name] :
       {std::pair{PhiWarmStart::none, "none"}, std::pair{PhiWarmStart::identity, "identity"},
        std::pair{PhiWarmStart::restore, "restore"}}) {
    TrainConfig c = config();
    c.stages[1] = {0, 0, 2e-4};  // stage 1 alone
    c.phi_warm_start = mode;
    Trainer trainer(c, options(name));
    ASSERT_TRUE(trainer.run());
    const auto lines = log_lines(root_ / name);
    EXPECT_EQ(lines.back()["losses"].contains("phi_warm"), mode != PhiWarmStart::none) << name;
    results[mode] = io::read_safetensors(root_ / name / "checkpoint.safetensors");
  }
  Aegan fresh(preset_by_name("tiny64"));
  fresh.initialise(config().seed);
  int phi_tensors = 0;
  for (const auto& [tensor_name, tensor] : fresh.state()) {
    const std::vector<float> initial = tensor.to_host();
    const auto& none = results[PhiWarmStart::none].at(tensor_name).data;
    const auto& identity = results[PhiWarmStart::identity].at(tensor_name).data;
    const auto& restore = results[PhiWarmStart::restore].at(tensor_name).data;
    if (tensor_name.rfind("phi.", 0) == 0 && tensor_name.find("conv.weight") != std::string::npos) {
      ++phi_tensors;
      EXPECT_EQ(none, initial) << tensor_name << " moved without a warm start";
      EXPECT_NE(identity, initial) << tensor_name;
      EXPECT_NE(restore, initial) << tensor_name;
      EXPECT_NE(identity, restore) << tensor_name;
    } else if (tensor_name.rfind("h.", 0) == 0 || tensor_name.rfind("f.", 0) == 0) {
      EXPECT_EQ(identity, none) << tensor_name << ": the warm start changed the autoencoder";
      EXPECT_EQ(restore, none) << tensor_name;
    }
  }
  EXPECT_GT(phi_tensors, 0);
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
