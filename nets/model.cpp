#include "nets/model.hpp"

#include "engine/error.hpp"

namespace aegan {

nn::NamedTensors Model::state() {
  return nn::state(networks());
}

void Model::initialise(uint64_t seed) {
  nn::initialise(networks(), seed);
}

void Model::set_training(bool training) {
  nn::set_training(networks(), training);
}

std::map<std::string, std::string> model_metadata(const std::string& model, const ModelSizes& sizes,
                                                  Prior prior) {
  std::map<std::string, std::string> out{
      {"model", model}, {"preset", sizes.preset}, {"prior", prior_name(prior)}};
  for (const auto& [key, value] : sizes.values)
    out[key] = std::to_string(value);
  return out;
}

std::map<std::string, std::string> Model::metadata() const {
  return model_metadata(name(), sizes_, prior_);
}

void Model::prepare_stage(int) {
  set_training(true);
  for (auto [name, net] : networks())
    net->set_trainable(true);
}

Tensor Model::reconstruct(const Tensor&) {
  throw Error(name() + " does not reconstruct images");
}

Tensor Model::encode(const Tensor&) {
  throw Error(name() + " has no encoder");
}

}  // namespace aegan
