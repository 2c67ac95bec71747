#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/error.hpp"
#include "engine/optim/adam.hpp"
#include "nets/module.hpp"
#include "nets/train/config.hpp"

// What every GAN's training step is made of, whatever the model: named Adams over named
// networks, the real/fake loss of a discriminator, and a discriminator kept out of its
// generator's update.
namespace aegan::train {

using LossValues = std::vector<std::pair<std::string, float>>;

// A loss came out NaN or infinite; raised before the optimiser that would have used it steps, so
// the weights are still the last finite ones.
class NonFiniteLoss : public Error {
 public:
  explicit NonFiniteLoss(const std::string& loss);
  const std::string& loss() const { return loss_; }

 private:
  std::string loss_;
};

// One Adam with the checkpoint names of the parameters it updates.
struct Optimizer {
  std::string name;
  std::vector<std::string> parameter_names;
  std::unique_ptr<optim::Adam> adam;
};
using Optimizers = std::vector<Optimizer>;

// An Adam named `name` over every trainable parameter of the networks (("h", H), ...), with the
// config's betas and eps. Build it after the stage has set which networks are trainable.
Optimizer make_optimizer(const std::string& name, const nn::Networks& networks, double lr,
                         const TrainConfig& config);
// The stage's optimiser called `name`; a missing one is an internal error.
optim::Adam& adam(Optimizers& optimizers, const std::string& name);

// Reads the loss back, records it under `name` and refuses a non-finite value.
float checked(const Tensor& loss, const char* name, LossValues& values);
// checked(), then one optimiser step on the loss's gradients.
void minimise(const Tensor& loss, const char* name, optim::Adam& optimizer, LossValues& values);

// BCE(D(real), 1) + BCE(D(fake), 0), the two batches in separate passes (separate BN statistics).
Tensor real_fake_loss(nn::Module& discriminator, const Tensor& real, const Tensor& fake);

// Keeps a discriminator's weights out of the graph while the generator's loss runs through it.
class Frozen {
 public:
  explicit Frozen(nn::Module& module) : module_(module) { module_.set_trainable(false); }
  ~Frozen() { module_.set_trainable(true); }
  Frozen(const Frozen&) = delete;
  Frozen& operator=(const Frozen&) = delete;

 private:
  nn::Module& module_;
};

}  // namespace aegan::train
