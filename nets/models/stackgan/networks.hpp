#pragma once
#include <memory>
#include <string>
#include <vector>

#include "engine/tensor.hpp"
#include "nets/module.hpp"

// StackGAN-v2's networks, unconditional (docs/models/stackgan.md): the generator tree and one
// discriminator per image size, their modules named as the official code's state dicts.
namespace aegan::stackgan {

struct Preset {
  std::string name;
  int m;          // branches; branch i makes 64 * 2^(i-1) x 64 * 2^(i-1) images, i = 1 ... m
  int gf;         // generator width (GAN.GF_DIM)
  int df;         // discriminator width (GAN.DF_DIM)
  int nz;         // latent size
  int residuals;  // residual blocks of each later stage (GAN.R_NUM); stage 4 has one

  int image_size() const { return 64 << (m - 1); }
};

// "sg256" (the paper's), "sg512" (the AEGAN comparison's) or "sg-tiny" (tests); anything else is
// an aegan::Error.
Preset preset_by_name(const std::string& name);
std::vector<std::string> preset_names();
// Throws aegan::Error unless 1 <= m <= 4, gf is a multiple of 4 (the later stages halve it twice)
// and df, nz and residuals are positive.
void check_preset(const Preset& preset);

// G: z [N, nz] or [N, nz, 1, 1] -> the m images s_1 ... s_m in [-1, 1]. Children h_net1 ...
// h_net<m>, img_net1 ... img_net<m>.
class Generator : public nn::Module {
 public:
  explicit Generator(const Preset& preset);
  // s_m, the largest image.
  Tensor forward(const Tensor& z) override;
  std::vector<Tensor> images(const Tensor& z);

 private:
  int nz_;
  std::vector<nn::Module*> stages_;   // h_net k
  std::vector<nn::Module*> outputs_;  // img_net k
};

// D_i for images of `size` (64, 128, 256 or 512): image -> logit [N, 1, 1, 1]; children
// img_code_s16, img_code_s32 ..., logits.
std::unique_ptr<nn::Sequential> discriminator(int size, int df);

}  // namespace aegan::stackgan
