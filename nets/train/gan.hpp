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

class GradientSync;

using LossValues = std::vector<std::pair<std::string, float>>;

// A loss came out NaN or infinite. The device checks each loss as it is computed, and every
// optimiser of the step after it leaves its parameters and moments as they were; the step raises
// this once it has read the losses back (StepLosses::values), with the step counts of those
// optimisers put back. So the parameters and optimiser state are those from before the bad loss:
// unchanged by the step when it is the first loss, and with the updates of the finite losses
// before it otherwise (later losses depend on those updates, so they cannot wait for the check).
// The batch norm running statistics do include every forward pass of the step.
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

// The losses of one step and the optimisers they drive, read back with one wait for the device at
// the end. Each loss's finiteness goes into a flag on the device that every optimiser recorded
// after it reads, so that no update follows a non-finite loss although the host has not seen it.
//
// Within GradientSync::run (micro-batches, several ranks) the optimisers step through the sync,
// which skips a step on every rank when a flag is set anywhere, and values() returns the losses
// as they are: the caller averages them and raises NonFiniteLoss for all ranks alike.
class StepLosses {
 public:
  StepLosses();
  // Records the loss under `name` (its value only: the graph goes with backward()).
  void check(const Tensor& loss, const char* name);
  // check(), then one step of `optimizer` on the loss's gradients, skipped on the device once any
  // loss checked so far is not finite.
  void minimise(const Tensor& loss, const char* name, optim::Adam& optimizer);
  // Every loss by name. Throws NonFiniteLoss naming the first one that is not finite, once the
  // optimisers that the device skipped (those after it) have their step counts back.
  LossValues values();

 private:
  LossValues named(const std::vector<float>& host) const;

  struct Gated {
    optim::Adam* optimizer;
    std::vector<int64_t> steps_before;
    size_t losses_before;  // the losses checked before it, whose flag it read
  };
  Tensor flag_;
  std::vector<Tensor> losses_;
  std::vector<const char*> names_;
  std::vector<Gated> gated_;
  GradientSync* sync_;
};

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
