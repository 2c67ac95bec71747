#pragma once
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "nets/eval/images.hpp"
#include "nets/eval/ms_ssim.hpp"
#include "nets/eval/swd.hpp"
#include "nets/model.hpp"

namespace aegan::eval {

// What the figures and the output call the encoder distance.
inline constexpr const char* kFdHDescription =
    "FD-H: Fréchet distance in the model's own encoder features (not FID: no Inception network)";

struct EvalOptions {
  SwdOptions swd;
  int64_t diversity_pairs = 500;  // MS-SSIM pairs per set
  uint64_t seed = 1;              // of the MS-SSIM pairs
  int64_t batch = 16;             // images per pass of H
};

// One compared set: "generated" or "data", where it came from, how many images.
struct EvalSet {
  std::string name;
  std::string source;
  int64_t count = 0;  // filled in by evaluate()
};

struct EvalReport {
  EvalSet first, second;
  int resolution = 0;
  SwdResult swd;
  // When the first set is generated: the SWD of the denoiser's input x_hat = F(G_E(z)) against the
  // second set, to show what phi adds.
  std::optional<SwdResult> swd_x_hat;
  std::optional<double> fd_h;  // none for a model without an encoder
  int fd_h_dims = 0;
  std::string model;  // the model's name, for the note when there is no FD-H
  std::optional<Diversity> first_diversity, second_diversity;  // none for a single image
};

// Opens a progress report for one named part of the work ("SWD", "FD-H", ...).
using ProgressFactory = std::function<ProgressFn(const std::string& part)>;

// Every figure of `aegan-vk eval` between two sets of r x r images: SWD, FD-H with the model's
// encoder (AEGAN's H, run on the device; left out for a model without one), and MS-SSIM
// diversity of each set.
EvalReport evaluate(Model& model, EvalSet first_set, const Images& first, EvalSet second_set,
                    const Images& second, const EvalOptions& options,
                    const ProgressFactory& progress = {});

nlohmann::ordered_json to_json(const EvalReport& report, const EvalOptions& options);
// A small table for the terminal, one figure a line.
std::string format_table(const EvalReport& report);

}  // namespace aegan::eval
