#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nets/latent_picture.hpp"
#include "nets/model.hpp"
#include "nets/models/degan/networks.hpp"
#include "nets/models/registry.hpp"

namespace aegan::degan {

ModelSizes preset_sizes(const Preset& preset);
// The seed of a training step's reparameterisation noise eps (ops::normal), given the step's
// noise seed (StepInputs::noise_seed, which seeds its dropout masks).
uint64_t reparameterisation_seed(uint64_t noise_seed);
Preset preset_from_sizes(const ModelSizes& sizes);

// DE-GAN (docs/models/degan.md) as a Model: stage 1 pre-trains the VAE, stage 2 trains G and D on
// the decoder-encoder noise z' = vae_enc(vae_dec(z_n)) of z_n ~ N(0, I), the VAE frozen in eval
// mode. generate() gives a picture of z_n, the VAE's image vae_dec(z_n) and image = G(z'), z' the
// posterior mean.
class DeganModel final : public Model {
 public:
  DeganModel(const ModelSizes& sizes, Prior prior);

  const Preset& preset() const { return preset_; }
  VaeEncoder& vae_enc() { return *vae_enc_; }
  nn::Sequential& vae_dec() { return *vae_dec_; }
  nn::Sequential& g() { return *g_; }
  Discriminator& d() { return *d_; }
  // Test-only (tests/parity): the encoder without dropout, whose masks PyTorch cannot reproduce.
  void set_dropout_enabled(bool enabled) { vae_enc_->set_dropout_enabled(enabled); }

  std::string name() const override { return "degan"; }
  nn::Networks networks() override;
  std::vector<TrainingStage> stages() const override;
  void prepare_stage(int stage) override;
  train::Optimizers make_optimizers(int stage, const train::TrainConfig& config) override;
  train::LossValues step(int stage, train::Optimizers& optimizers,
                         const StepInputs& inputs) override;
  std::vector<NamedImages> generate(const Tensor& z) override;
  // vae_dec(mu(x)): the VAE's reconstruction, which stage 1's sample grids show.
  Tensor reconstruct(const Tensor& x) override;

  // The noise G gets from z_n [N, nz, 1, 1]: z' = mu' + exp(logvar' / 2) * eps' (eps' standard
  // normal from `seed`) of vae_enc(vae_dec(z_n)), or mu' alone; [N, nz], no graph.
  Tensor decoder_encoder_noise(const Tensor& z_n, train::Posterior posterior, uint64_t seed);

 private:
  // vae_dec of codes [N, nz] or [N, nz, 1, 1].
  Tensor decode(const Tensor& code);
  train::LossValues vae_step(train::Optimizers& optimizers, const StepInputs& in);
  train::LossValues gan_step(train::Optimizers& optimizers, const StepInputs& in);

  Preset preset_;
  std::unique_ptr<VaeEncoder> vae_enc_;
  std::unique_ptr<nn::Sequential> vae_dec_;
  std::unique_ptr<nn::Sequential> g_;
  std::unique_ptr<Discriminator> d_;
  LatentPicture z_picture_;
  std::vector<std::string> g_loss_names_;  // "g", "g2", ...: storage for the step's loss names
};

// The registry's entry: presets celeba64, cifar32, degan-tiny32, degan-tiny64 (the default, as
// the other models' tiny presets are theirs), sizes r, nz, v, g, d.
ModelKind degan_kind();

}  // namespace aegan::degan
