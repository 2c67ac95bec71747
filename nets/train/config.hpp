#pragma once
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "nets/models/aegan/preset.hpp"

namespace aegan::train {

// How long one stage of Algorithm 1 runs and how fast it learns. `steps` > 0 overrides `epochs`.
struct StageSchedule {
  int64_t epochs = 0;
  int64_t steps = 0;
  double lr = 0.0;
};

// How stage 1 prepares the denoiser phi for stage 2 (not in the paper, whose phi starts from its
// initial weights): not at all, as an autoencoder of real images (L1(phi(x), x)), or restoring
// them from the autoencoder's reconstruction (L1(phi(sg(F(H(x)))), x)).
enum class PhiWarmStart { none, identity, restore };

// Every option of `aegan-vk train`, defaulting to docs/aegan.md ("Training schedule").
struct TrainConfig {
  Preset preset{"tiny64", 64, 16, 16, 16, 100};
  std::filesystem::path data;
  int batch = 16;
  StageSchedule autoencoder{100, 0, 1e-5};
  StageSchedule gan{200, 0, 2e-4};
  StageSchedule finetune{0, 0, 1e-7};  // step 3 is optional: 0 epochs skips it
  double beta1 = 0.5, beta2 = 0.999, eps = 1e-8;
  double lambda = 100.0;  // weight of phi's L1 term
  PhiWarmStart phi_warm_start = PhiWarmStart::none;
  uint64_t seed = 1;
  bool center_crop = false;
  std::array<uint8_t, 3> background{0, 0, 0};
  std::filesystem::path dataset_cache;  // empty: decode the folder directly
  int64_t log_every = 10;
  int64_t sample_every = 250;
  int64_t checkpoint_every = 500;
  int sample_count = 64;  // images in each sample grid (fixed z, so grids compare over time)

  const StageSchedule& schedule(int stage) const;
};

void to_json(nlohmann::json& j, const TrainConfig& config);
void from_json(const nlohmann::json& j, TrainConfig& config);

}  // namespace aegan::train
