#pragma once
#include <string>
#include <utility>
#include <vector>

#include "engine/io/safetensors.hpp"
#include "engine/tensor.hpp"

namespace aegan::optim {

// Tensors under their checkpoint names (the same type as the networks' nn::NamedTensors).
using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

// An exponential moving average of parameters (StackGAN-v2's generator average, decay 0.999),
// kept on the device beside them. Each average starts as a copy of its parameter; after every
// optimiser step, update() moves it toward the parameter:
//   average = decay * average + (1 - decay) * parameter.
class WeightAverage {
 public:
  WeightAverage(NamedTensors parameters, double decay);

  // Records the update of every average on the stream, after whatever updated the parameters.
  void update();
  // Overwrites the live parameters with the averages (for sampling or evaluating the average).
  void copy_to_parameters() const;
  // Exchanges the contents of the averages and the live parameters: sampling with the average
  // in the middle of training, between two calls, leaves both as they were. update() between
  // the two calls would average the wrong way round.
  void swap_with_parameters();

  // The averages under their parameters' names: what a checkpoint saves, and the handles that
  // load() overwrites.
  const NamedTensors& averages() const { return averages_; }
  // Overwrites each average with the checkpoint's tensor prefix + its name; throws aegan::Error
  // naming the checkpoint and tensor when one is missing or of another shape.
  void load(const io::Safetensors& file, const std::string& prefix = "");

  double decay() const { return decay_; }

 private:
  NamedTensors parameters_;
  NamedTensors averages_;
  double decay_;
};

}  // namespace aegan::optim
