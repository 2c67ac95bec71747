#pragma once
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "nets/layers.hpp"
#include "nets/models/aegan/preset.hpp"
#include "nets/module.hpp"

namespace aegan {

// Throws aegan::Error unless the six networks of docs/models/aegan.md can be built for these
// numbers (r, es powers of two with r/es >= 4 and es >= 8, r >= 64, positive widths).
void check_preset(const Preset& preset);

// phi of docs/models/aegan.md for r x r images and base width w, with dropout masks seeded per
// step. AEGAN trains it on its own x_hat; the denoiser model (nets/models/denoiser) on a baseline's
// G(z).
class Denoiser {
 public:
  Denoiser(int r, int w);

  nn::Sequential& net() { return *net_; }
  // Seeds the dropout masks of the next forward pass.
  void set_dropout_seed(uint64_t seed);
  // Test-only (tests/parity): no dropout, whose masks PyTorch cannot reproduce.
  void set_dropout_enabled(bool enabled);

 private:
  std::unique_ptr<nn::Sequential> net_;
  std::vector<nn::Stage*> dropout_stages_;
};

// The six networks of AEGAN, built by the rules of docs/models/aegan.md for any preset, named as
// the checkpoint names ("g_e.up0.conv.weight").
class Aegan {
 public:
  explicit Aegan(const Preset& preset);

  const Preset& preset() const { return preset_; }
  nn::Sequential& g_e() { return *g_e_; }
  nn::Sequential& h() { return *h_; }
  nn::Sequential& f() { return *f_; }
  nn::Sequential& d_e() { return *d_e_; }
  nn::Sequential& d_r() { return *d_r_; }
  nn::Sequential& phi() { return phi_->net(); }
  // ("g_e", G_E), ("h", H), ... in the spec's order.
  nn::Networks networks();

  // Every parameter and buffer of the six networks under its checkpoint name.
  nn::NamedTensors state();
  void initialise(uint64_t seed);
  void set_training(bool training);
  void set_dropout_seed(uint64_t seed) { phi_->set_dropout_seed(seed); }
  void set_dropout_enabled(bool enabled) { phi_->set_dropout_enabled(enabled); }

  // phi(F(G_E(z))) for z [N, nz] or [N, nz, 1, 1].
  Tensor generate(const Tensor& z);

 private:
  Preset preset_;
  std::unique_ptr<nn::Sequential> g_e_, h_, f_, d_e_, d_r_;
  std::unique_ptr<Denoiser> phi_;
};

}  // namespace aegan
