#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/tensor.hpp"

namespace aegan {
class Rng;

// The distribution latents are drawn from: U(-1, 1)^nz or N(0, I).
enum class Prior { uniform, normal };
// "uniform" or "normal"; anything else is an aegan::Error.
Prior prior_by_name(const std::string& name);
const char* prior_name(Prior prior);
// `count` values of the prior from the host generator (seeded, device-independent), and a tensor
// of `shape` filled with them.
std::vector<float> latent_values(size_t count, Prior prior, Rng& rng);
Tensor draw_latents(const Shape& shape, Prior prior, Rng& rng);

// The numbers that size a model's networks: its preset's name ("custom" once a size was changed)
// and each size by the name of its flag and metadata key ("r", "nz", ...), in the model's order.
struct ModelSizes {
  std::string preset;
  std::vector<std::pair<std::string, int>> values;

  // The size called `name`; one the model lacks is an aegan::Error.
  int at(const std::string& name) const;
  bool has(const std::string& name) const;
  void set(const std::string& name, int value);
};

}  // namespace aegan
