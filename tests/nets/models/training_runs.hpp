#pragma once
// What the models' short training tests share: a folder of small striped images, the settings of
// a short run, the options of a run in a folder, and the check of an exact resume.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "engine/io/safetensors.hpp"
#include "nets/train/trainer.hpp"
#include "tests/nets/data/image_files.hpp"

namespace aegan::test {

// Eight 32x32 images of two-colour diagonal stripes.
inline void write_stripes(const std::filesystem::path& folder) {
  for (int i = 0; i < 8; ++i) {
    std::vector<uint8_t> rgb;
    for (int y = 0; y < 32; ++y) {
      for (int x = 0; x < 32; ++x) {
        const bool on = ((x + y + 3 * i) / 4) % 2 == 0;
        rgb.insert(rgb.end(),
                   {static_cast<uint8_t>(on ? 40 * i : 250), static_cast<uint8_t>(on ? 200 : 20),
                    static_cast<uint8_t>(on ? 90 : 30 * i)});
      }
    }
    write_png(folder / ("stripes" + std::to_string(i) + ".png"), 32, 32, 3, rgb);
  }
}

// A run of `model` on `data` in batches of 4 for the stages' steps, logging every step; samples
// and checkpoints only at the end.
inline train::TrainConfig short_run(const std::string& model, const std::filesystem::path& data,
                                    std::vector<train::StageSchedule> stages) {
  train::TrainConfig c;
  c.model = model;
  c.data = data;
  c.batch = 4;
  c.stages = std::move(stages);
  c.log_every = 1;
  c.sample_every = 100;
  c.checkpoint_every = 100;
  c.sample_count = 4;
  return c;
}

inline train::RunOptions run_in(const std::filesystem::path& out) {
  train::RunOptions o;
  o.out = out;
  return o;
}

// Trains `config` in `folder`/straight without a stop and, for each step of `stops`, in a folder
// of its own stopped after that step and resumed; every tensor of the resumed runs' checkpoints
// must equal the uninterrupted run's.
inline void expect_exact_resume(const train::TrainConfig& config,
                                const std::filesystem::path& folder,
                                const std::vector<int64_t>& stops) {
  ASSERT_TRUE(train::Trainer(config, run_in(folder / "straight")).run());
  const auto whole = io::read_safetensors(folder / "straight" / "checkpoint.safetensors");
  for (int64_t stop : stops) {
    const std::filesystem::path run = folder / ("stopped" + std::to_string(stop));
    train::RunOptions first = run_in(run);
    first.max_steps = stop;
    {
      train::Trainer part(config, first);
      ASSERT_FALSE(part.run());
      EXPECT_EQ(part.state().global_step, stop);
    }
    ASSERT_TRUE(train::Trainer::resume(run_in(run))->run());
    const auto resumed = io::read_safetensors(run / "checkpoint.safetensors");
    ASSERT_EQ(whole.tensors.size(), resumed.tensors.size());
    for (const auto& [name, tensor] : whole.tensors)
      EXPECT_EQ(tensor.data, resumed.at(name).data) << name << " after stopping at " << stop;
  }
}

}  // namespace aegan::test
