#pragma once
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "nets/eval/evaluate.hpp"
#include "nets/eval/images.hpp"

namespace aegan::eval {

// What `aegan-vk eval` is asked: a checkpoint's samples (or a folder, `against`) compared with a
// folder of real images.
struct CheckpointEvalOptions {
  std::filesystem::path against;  // empty: the checkpoint's generated images
  // Empty: as the checkpoint was trained (a bare model file: black, no crop).
  std::optional<std::array<uint8_t, 3>> background;
  std::optional<bool> center_crop;
  int64_t count = 0;  // 0: min(1000, images in the data folder)
  uint64_t seed = 1;  // of z, image subsets, patches and pairs
  int64_t batch = 16;
  int64_t pairs = 500;
  int patches = 128;
};

struct CheckpointEval {
  EvalReport report;
  EvalOptions options;
  Images first;   // the model's final images (or `against`'s), as compared
  Images second;  // the data's
};

// Every figure of `aegan-vk eval` for the checkpoint (any model's) against the folder `data`,
// with the data read as the model saw it in training. Bad options are an aegan::Error; the
// runtime must be started.
CheckpointEval evaluate_checkpoint(const std::filesystem::path& checkpoint,
                                   const std::filesystem::path& data,
                                   const CheckpointEvalOptions& options,
                                   const ProgressFactory& progress = {});

}  // namespace aegan::eval
