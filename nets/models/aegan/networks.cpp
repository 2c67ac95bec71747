#include "nets/models/aegan/networks.hpp"

#include <algorithm>
#include <string>

#include "engine/error.hpp"
#include "nets/blocks.hpp"

namespace aegan {
namespace {

using nn::Activation;
using nn::add_head;
using nn::add_stage;
using nn::indexed;
using nn::log2_of;
using nn::power_of_two;
using nn::StageSpec;

std::unique_ptr<nn::Sequential> embedding_generator(const Preset& p) {
  auto net = std::make_unique<nn::Sequential>();
  const int n = log2_of(p.es / 4);
  int c = 8 * p.w;
  add_stage(*net, "up0",
            {.transposed = true,
             .cin = p.nz,
             .cout = c,
             .stride = 1,
             .pad = 0,
             .batch_norm = true,
             .after = Activation::relu,
             .res_block = true});
  for (int j = 1; j < n; ++j, c /= 2) {
    add_stage(*net, indexed("up", j),
              {.transposed = true,
               .cin = c,
               .cout = c / 2,
               .batch_norm = true,
               .after = Activation::relu,
               .res_block = true});
  }
  add_stage(*net, indexed("up", n),
            {.transposed = true, .cin = c, .cout = p.ec, .after = Activation::tanh});
  return net;
}

std::unique_ptr<nn::Sequential> encoder(const Preset& p) {
  auto net = std::make_unique<nn::Sequential>();
  const int n = log2_of(p.r / p.es);
  add_stage(*net, "down0",
            {.cin = 3, .cout = p.ec, .after = Activation::leaky_relu, .res_block = true});
  for (int j = 1; j < n - 1; ++j) {
    add_stage(*net, indexed("down", j),
              {.cin = p.ec,
               .cout = p.ec,
               .batch_norm = true,
               .after = Activation::leaky_relu,
               .res_block = true});
  }
  add_stage(*net, indexed("down", n - 1), {.cin = p.ec, .cout = p.ec, .after = Activation::tanh});
  return net;
}

std::unique_ptr<nn::Sequential> decoder(const Preset& p) {
  auto net = std::make_unique<nn::Sequential>();
  const int n = log2_of(p.r / p.es);
  for (int j = 0; j < n - 1; ++j) {
    add_stage(*net, indexed("up", j),
              {.transposed = true,
               .cin = p.ec,
               .cout = p.ec,
               .batch_norm = true,
               .after = Activation::relu,
               .res_block = true});
  }
  add_stage(*net, indexed("up", n - 1),
            {.transposed = true, .cin = p.ec, .cout = 3, .after = Activation::tanh});
  return net;
}

std::unique_ptr<nn::Sequential> embedding_discriminator(const Preset& p) {
  auto net = std::make_unique<nn::Sequential>();
  const int n = log2_of(p.es / 4);
  int c = p.ec;
  for (int j = 0; j < n; ++j) {
    const int out = (8 * p.w) >> (n - 1 - j);
    add_stage(*net, indexed("down", j),
              {.cin = c, .cout = out, .batch_norm = true, .after = Activation::leaky_relu});
    c = out;
  }
  add_head(*net, c);
  return net;
}

}  // namespace

Denoiser::Denoiser(int r, int w) : net_(std::make_unique<nn::Sequential>()) {
  nn::Sequential* net = net_.get();
  const int n = log2_of(r);
  auto width = [&](int i) { return std::min(w << i, 8 * w); };
  // Each level ends with the activation docs/models/aegan.md starts the next one with (see
  // StageSpec).
  for (int i = 0; i < n; ++i) {
    add_stage(*net, indexed("enc", i),
              {.cin = i == 0 ? 3 : width(i - 1),
               .cout = width(i),
               .bias = true,
               .batch_norm = i >= 1 && i <= n - 2,
               .after = i < n - 1 ? Activation::leaky_relu : Activation::relu});
  }
  int c = width(n - 1);
  for (int j = 0; j < n; ++j) {
    const bool last = j == n - 1;
    const int out = last ? 3 : width(n - 2 - j);
    nn::Stage& stage = net->add(
        indexed("dec", j),
        std::make_unique<nn::Stage>(StageSpec{.transposed = true,
                                              .cin = c,
                                              .cout = out,
                                              .bias = true,
                                              .batch_norm = !last,
                                              .after = last ? Activation::tanh : Activation::relu,
                                              .dropout = j <= 2}));
    if (j <= 2) dropout_stages_.push_back(&stage);
    c = out;
  }
}

void Denoiser::set_dropout_seed(uint64_t seed) {
  for (size_t i = 0; i < dropout_stages_.size(); ++i) {
    dropout_stages_[i]->set_dropout_seed(seed + 0x9e3779b97f4a7c15ull * (i + 1));
  }
}

void Denoiser::set_dropout_enabled(bool enabled) {
  for (nn::Stage* stage : dropout_stages_)
    stage->set_dropout_enabled(enabled);
}

void check_preset(const Preset& p) {
  auto fail = [&](const std::string& why) {
    throw Error("model size r=" + std::to_string(p.r) + " es=" + std::to_string(p.es) +
                " ec=" + std::to_string(p.ec) + " w=" + std::to_string(p.w) +
                " nz=" + std::to_string(p.nz) + ": " + why);
  };
  if (!power_of_two(p.r) || !power_of_two(p.es)) fail("r and es must be powers of two");
  if (p.r < 64) fail("r must be at least 64");
  if (p.es < 8) fail("es must be at least 8");
  if (p.r < 4 * p.es) fail("r must be at least 4 * es");
  if (p.ec <= 0 || p.w <= 0 || p.nz <= 0) fail("ec, w and nz must be positive");
  if ((8 * p.w) >> (log2_of(p.es / 4) - 1) < 1) fail("w is too small for es");
}

Aegan::Aegan(const Preset& preset) : preset_(preset) {
  check_preset(preset);
  g_e_ = embedding_generator(preset);
  h_ = encoder(preset);
  f_ = decoder(preset);
  d_e_ = embedding_discriminator(preset);
  d_r_ = nn::image_discriminator(preset.r, preset.w);
  phi_ = std::make_unique<Denoiser>(preset.r, preset.w);
}

nn::Networks Aegan::networks() {
  return {{"g_e", g_e_.get()}, {"h", h_.get()},     {"f", f_.get()},
          {"d_e", d_e_.get()}, {"d_r", d_r_.get()}, {"phi", &phi_->net()}};
}

nn::NamedTensors Aegan::state() {
  return nn::state(networks());
}

void Aegan::initialise(uint64_t seed) {
  nn::initialise(networks(), seed);
}

void Aegan::set_training(bool training) {
  nn::set_training(networks(), training);
}

Tensor Aegan::generate(const Tensor& z) {
  const Tensor z4 = z.reshape({z.dim(0), preset_.nz, 1, 1});
  return phi_->net().forward(f_->forward(g_e_->forward(z4)));
}

}  // namespace aegan
