#pragma once
#include "nets/models/aegan/networks.hpp"
#include "nets/train/config.hpp"
#include "nets/train/gan.hpp"

// AEGAN's training stages (docs/models/aegan.md, "Training").
namespace aegan::train {

// Stage 1: "ae" over H and F. Stage 2: "d_e", "g_e", "d_r", "phi". Stage 3: "d_e", "d_r" and
// "generators" over H, F, G_E and phi. Each stage starts with fresh moments. Call it after
// prepare_stage(model, stage): frozen networks have no parameters to optimise.
Optimizers make_optimizers(Aegan& model, int stage, const TrainConfig& config);

// Puts the networks in the training/eval modes and trainable flags a stage needs: frozen networks
// (H and F in stage 2) run with their running statistics and compute no weight gradients.
void prepare_stage(Aegan& model, int stage);

// One minibatch of each stage, as docs/models/aegan.md ("Losses", "Training") gives it. x is a
// batch of images [N, 3, r, r], z a batch of latents [N, nz, 1, 1]. Returns every loss in the
// order computed, read back at the end of the step with the step's one wait for the device (the
// trainer's upload of x and z waits for nothing).
LossValues autoencoder_step(Aegan& model, Optimizers& optimizers, const Tensor& x,
                            PhiWarmStart phi_warm_start = PhiWarmStart::none);
LossValues gan_step(Aegan& model, Optimizers& optimizers, const Tensor& x, const Tensor& z,
                    double lambda);
// Stage 2's updates of the image GAN for generated images x_hat, a constant: one step of D_R's
// Adam "d_r" on BCE(D_R(x), 1) + BCE(D_R(sg(phi(x_hat))), 0), then one of phi's "phi" on
// BCE(D_R(phi(x_hat)), 1) + lambda * mean |phi(x_hat) - x_hat|.
void denoiser_updates(nn::Module& phi, nn::Module& d_r, Optimizers& optimizers, const Tensor& x,
                      const Tensor& x_hat, double lambda, StepLosses& losses);
LossValues finetune_step(Aegan& model, Optimizers& optimizers, const Tensor& x, const Tensor& z,
                         double lambda);

}  // namespace aegan::train
