#include "engine/optim/weight_average.hpp"

#include <cmath>

#include "engine/io/tensor_transfer.hpp"
#include "engine/ops/launch.hpp"
#include "shaders.hpp"

namespace aegan::optim {
namespace {

struct AveragePush {
  VkDeviceAddress average;
  VkDeviceAddress parameter;
  uint32_t n;
  float decay;
  float one_minus_decay;
};

}  // namespace

WeightAverage::WeightAverage(NamedTensors parameters, double decay)
    : parameters_(std::move(parameters)), decay_(decay) {
  if (!(decay >= 0.0 && decay <= 1.0)) {
    throw Error("weight average: decay must be in [0, 1], got " + std::to_string(decay));
  }
  for (const auto& [name, parameter] : parameters_) {
    if (!parameter.defined() || parameter.numel() == 0 || parameter.numel() > UINT32_MAX) {
      throw Error("weight average: parameter '" + name + "' is undefined, empty or too large");
    }
    Tensor average = Tensor::empty(parameter.shape());
    average.copy_from(parameter);
    averages_.emplace_back(name, average);
  }
}

void WeightAverage::update() {
  const auto decay = static_cast<float>(decay_);
  const auto one_minus_decay = static_cast<float>(1.0 - decay_);
  for (size_t i = 0; i < parameters_.size(); ++i) {
    const Tensor& parameter = parameters_[i].second;
    const Tensor& average = averages_[i].second;
    const auto n = static_cast<uint32_t>(parameter.numel());
    ops::launch_1d(shaders::average_update, n,
                   AveragePush{average.address(), parameter.address(), n, decay, one_minus_decay},
                   {average.writes(), parameter.reads()});
  }
}

void WeightAverage::copy_to_parameters() const {
  for (size_t i = 0; i < parameters_.size(); ++i) {
    Tensor parameter = parameters_[i].second;
    parameter.copy_from(averages_[i].second);
  }
}

void WeightAverage::swap_with_parameters() {
  for (size_t i = 0; i < parameters_.size(); ++i) {
    Tensor parameter = parameters_[i].second;
    Tensor& average = averages_[i].second;
    Tensor live = Tensor::empty(parameter.shape());
    live.copy_from(parameter);
    parameter.copy_from(average);
    average.copy_from(live);
  }
}

void WeightAverage::load(const io::Safetensors& file, const std::string& prefix) {
  for (const auto& [name, average] : averages_)
    io::load_into(average, file, prefix + name);
}

}  // namespace aegan::optim
