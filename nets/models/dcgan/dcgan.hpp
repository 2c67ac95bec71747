#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/io/safetensors.hpp"
#include "engine/tensor.hpp"
#include "nets/module.hpp"

// DCGAN, docs/models/dcgan.md: the networks G and D, their presets, their checkpoint
// names and metadata.
namespace aegan::dcgan {

struct Preset {
  std::string name;
  int r;   // image size, a power of two 64 ... 512
  int w;   // base width (the PyTorch example's ngf = ndf)
  int nz;  // latent size
};

// "dcgan64", "dcgan512" or "dcgan-tiny64" (the spec's tests-sized tiny64, named apart from
// AEGAN's tiny64); anything else is an aegan::Error.
Preset preset_by_name(const std::string& name);
std::vector<std::string> preset_names();
// Throws aegan::Error unless r is a power of two from 64 to 512 and w, nz are positive.
void check_preset(const Preset& preset);

// The checkpoint's __metadata__: "model" = "dcgan", "preset", "r", "w", "nz".
std::map<std::string, std::string> preset_metadata(const Preset& preset);
// Throws aegan::Error where the file names another model or lacks r, w or nz.
Preset preset_from_metadata(const io::Safetensors& file);

// G: z [N, nz, 1, 1] -> image [N, 3, r, r] in [-1, 1]; layers up0 ... up<n>, n = log2(r/4).
std::unique_ptr<nn::Sequential> generator(const Preset& preset);
// D: image [N, 3, r, r] -> logit [N, 1, 1, 1]; layers down0 ... down<n-1>, head.
std::unique_ptr<nn::Sequential> discriminator(const Preset& preset);

// G and D, named as the checkpoint names ("g.up0.conv.weight", "d.head.weight").
class Dcgan {
 public:
  explicit Dcgan(const Preset& preset);

  const Preset& preset() const { return preset_; }
  nn::Sequential& g() { return *g_; }
  nn::Sequential& d() { return *d_; }
  // ("g", G), ("d", D).
  nn::Networks networks();

  // Every parameter and buffer of G and D under its checkpoint name.
  nn::NamedTensors state();
  void initialise(uint64_t seed);
  void set_training(bool training);

  // G(z) for z [N, nz] or [N, nz, 1, 1], in the mode set_training last set.
  Tensor generate(const Tensor& z);

 private:
  Preset preset_;
  std::unique_ptr<nn::Sequential> g_, d_;
};

}  // namespace aegan::dcgan
