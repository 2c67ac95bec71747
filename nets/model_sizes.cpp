#include "nets/model_sizes.hpp"

#include "engine/error.hpp"
#include "engine/init.hpp"

namespace aegan {

Prior prior_by_name(const std::string& name) {
  if (name == "uniform") return Prior::uniform;
  if (name == "normal") return Prior::normal;
  throw Error("unknown prior '" + name + "' (uniform or normal)");
}

const char* prior_name(Prior prior) {
  return prior == Prior::uniform ? "uniform" : "normal";
}

std::vector<float> latent_values(size_t count, Prior prior, Rng& rng) {
  return prior == Prior::uniform ? uniform_values(count, -1.0f, 1.0f, rng)
                                 : normal_values(count, 0.0f, 1.0f, rng);
}

Tensor draw_latents(const Shape& shape, Prior prior, Rng& rng) {
  return Tensor::from_host(shape, latent_values(static_cast<size_t>(numel(shape)), prior, rng));
}

int ModelSizes::at(const std::string& name) const {
  for (const auto& [key, value] : values) {
    if (key == name) return value;
  }
  throw Error("the model has no size '" + name + "'");
}

bool ModelSizes::has(const std::string& name) const {
  for (const auto& entry : values) {
    if (entry.first == name) return true;
  }
  return false;
}

void ModelSizes::set(const std::string& name, int value) {
  for (auto& [key, stored] : values) {
    if (key == name) {
      stored = value;
      return;
    }
  }
  throw Error("the model has no size '" + name + "'");
}

}  // namespace aegan
