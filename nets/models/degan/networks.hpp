#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/tensor.hpp"
#include "nets/layers.hpp"
#include "nets/module.hpp"

// DE-GAN's networks (docs/models/degan.md): the VAE's decoder and encoder, the generator G and the
// discriminator D with its hidden-space features.
namespace aegan::degan {

struct Preset {
  std::string name;
  int r;   // image size, a power of two from 32 to 256
  int nz;  // latent size: the VAE's code and G's input
  int v;   // VAE base width
  int g;   // G width, c0 = g * 2^n channels at 4x4 (n = log2(r / 4))
  int d;   // D base width
};

// "celeba64", "cifar32", "degan-tiny32" (the spec's tests-sized tiny32) or "degan-tiny64" (the
// same widths at the comparison's 64x64); anything else is an aegan::Error.
Preset preset_by_name(const std::string& name);
std::vector<std::string> preset_names();
// Throws aegan::Error unless r is a power of two from 32 to 256, the widths are positive and the
// decoder's halved widths stay whole.
void check_preset(const Preset& preset);

// vae_dec: z [N, nz, 1, 1] -> image [N, 3, r, r]; layers up0 ... up<n>.
std::unique_ptr<nn::Sequential> vae_decoder(const Preset& preset);

// The three downsampling layers that the VAE's encoder and D begin with, down0 ... down2:
// Conv5 to width (bias, LReLU), 2 width and 4 width (BN, LReLU), r/8 at the end.
class Downsampler : public nn::Module {
 protected:
  Downsampler(int width);
  Tensor downsample(const Tensor& x);

 private:
  std::vector<nn::Stage*> layers_;
};

// vae_enc: image -> (mu, log sigma^2), each [N, nz]; layers down0 ... down2, dropout (training
// only), fc_mu, fc_logvar. forward() gives mu.
class VaeEncoder : public Downsampler {
 public:
  explicit VaeEncoder(const Preset& preset);
  Tensor forward(const Tensor& x) override;
  std::pair<Tensor, Tensor> encode(const Tensor& x);
  // Dropout masks are drawn from this seed, so a training step can be replayed exactly.
  void set_dropout_seed(uint64_t seed) { dropout_seed_ = seed; }
  // Test-only (tests/parity): no dropout in training mode, so that PyTorch can replay a step.
  void set_dropout_enabled(bool enabled) { dropout_enabled_ = enabled; }

 private:
  nn::Linear* fc_mu_;
  nn::Linear* fc_logvar_;
  uint64_t dropout_seed_ = 0;
  bool dropout_enabled_ = true;
};

// G: z' [N, nz] or [N, nz, 1, 1] -> image [N, 3, r, r]; layers fc (linear, then BN and ReLU per
// channel of the [c0, 4, 4] map), up0 ... up<n-1>.
std::unique_ptr<nn::Sequential> generator(const Preset& preset);

// D: image -> logit [N, 1]; layers down0 ... down2, whose flattened output is the hidden-space
// features h [N, 4d (r/8)^2], and head.
class Discriminator : public Downsampler {
 public:
  explicit Discriminator(const Preset& preset);
  Tensor forward(const Tensor& x) override;
  Tensor features(const Tensor& x);
  Tensor logit(const Tensor& features);

 private:
  nn::Linear* head_;
};

}  // namespace aegan::degan
