#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/error.hpp"
#include "engine/optim/adam.hpp"
#include "nets/networks.hpp"
#include "nets/train/config.hpp"

namespace aegan::train {

using LossValues = std::vector<std::pair<std::string, float>>;

// A loss came out NaN or infinite. The device checks each loss as it is computed, and every
// optimiser of the step after it leaves its parameters and moments as they were; the step raises
// this once it has read the losses back, with the step counts of those optimisers put back. So
// the parameters and optimiser state are those from before the bad loss: unchanged by the step
// when it is the first loss, and with the updates of the finite losses before it otherwise (D_E's
// and G_E's when D_R's loss is bad: later losses depend on those updates, so they cannot wait for
// the check). The batch norm running statistics do include every forward pass of the step.
class NonFiniteLoss : public Error {
 public:
  explicit NonFiniteLoss(const std::string& loss);
  const std::string& loss() const { return loss_; }

 private:
  std::string loss_;
};

// One Adam of Algorithm 1 with the checkpoint names of the parameters it updates.
struct Optimizer {
  std::string name;
  std::vector<std::string> parameter_names;
  std::unique_ptr<optim::Adam> adam;
};
using Optimizers = std::vector<Optimizer>;

// Stage 1: "ae" over H and F. Stage 2: "d_e", "g_e", "d_r", "phi". Stage 3: "d_e", "d_r" and
// "generators" over H, F, G_E and phi. Each stage starts with fresh moments. Call it after
// prepare_stage(model, stage): frozen networks have no parameters to optimise.
Optimizers make_optimizers(Aegan& model, int stage, const TrainConfig& config);

// Puts the networks in the training/eval modes and trainable flags a stage needs: frozen networks
// (H and F in stage 2) run with their running statistics and compute no weight gradients.
void prepare_stage(Aegan& model, int stage);

// One minibatch of each stage, as docs/aegan.md ("Losses", "Training schedule") gives it. x is a
// batch of images [N, 3, r, r], z a batch of latents [N, nz, 1, 1]. Returns every loss in the
// order computed, read back at the end of the step with the step's one wait for the device (the
// trainer's upload of x and z waits for nothing).
LossValues autoencoder_step(Aegan& model, Optimizers& optimizers, const Tensor& x,
                            PhiWarmStart phi_warm_start = PhiWarmStart::none);
LossValues gan_step(Aegan& model, Optimizers& optimizers, const Tensor& x, const Tensor& z,
                    double lambda);
LossValues finetune_step(Aegan& model, Optimizers& optimizers, const Tensor& x, const Tensor& z,
                         double lambda);

}  // namespace aegan::train
