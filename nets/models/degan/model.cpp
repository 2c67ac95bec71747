#include "nets/models/degan/model.hpp"

#include <string_view>

#include "engine/autograd.hpp"
#include "engine/error.hpp"
#include "engine/ops.hpp"

namespace aegan::degan {
namespace {

// docs/models/degan.md, "Training schedule": the VAE at 1e-3, then the GAN at 2e-4, 25 epochs
// each.
const std::vector<TrainingStage>& training_stages() {
  static const std::vector<TrainingStage> stages = {
      {"vae", "stage 1 (VAE)", {25, 0, 1e-3}, false},
      {"gan", "stage 2 (GAN on decoder-encoder noise)", {25, 0, 2e-4}, true}};
  return stages;
}

// The VAE's Adam betas ("Training schedule", step 1); --beta1/--beta2 set the GAN's.
constexpr double kVaeBeta1 = 0.9, kVaeBeta2 = 0.999;
// sqrt(|d|^2 + kNormFloor) keeps the hidden-space loss's gradient finite where h(x) = h(x_g).
constexpr float kNormFloor = 1e-12f;

Tensor scalar(float value) {
  return Tensor::full({1}, value);
}

// mu + exp(logvar / 2) * eps, eps ~ N(0, I) from the seed.
Tensor reparameterise(const Tensor& mu, const Tensor& logvar, uint64_t seed) {
  const Tensor eps = ops::normal(mu.shape(), seed);
  return ops::add(mu, ops::mul(ops::exp(ops::scale(logvar, 0.5f)), eps));
}

// (1/N) sum_i ||a_i - b_i||_2 over the rows of [N, F] tensors. The per-row sums of squares are a
// product with a column of ones, which the linear op computes without a reduction op of its own.
Tensor mean_row_distance(const Tensor& a, const Tensor& b) {
  const Tensor d = ops::sub(a, b);
  const Tensor squares = ops::linear(ops::mul(d, d), Tensor::full({1, a.dim(1)}, 1.0f), Tensor());
  return ops::mean(ops::sqrt(ops::add(squares, Tensor::full(squares.shape(), kNormFloor))));
}

}  // namespace

uint64_t reparameterisation_seed(uint64_t noise_seed) {
  return noise_seed + 0x9e3779b97f4a7c15ull;  // apart from the dropout masks' seed
}

ModelSizes preset_sizes(const Preset& p) {
  return {p.name, {{"r", p.r}, {"nz", p.nz}, {"v", p.v}, {"g", p.g}, {"d", p.d}}};
}

Preset preset_from_sizes(const ModelSizes& s) {
  return {s.preset, s.at("r"), s.at("nz"), s.at("v"), s.at("g"), s.at("d")};
}

DeganModel::DeganModel(const ModelSizes& sizes, Prior prior)
    : Model(sizes, prior),
      preset_([&] {
        Preset preset = preset_from_sizes(sizes);
        check_preset(preset);
        return preset;
      }()),
      z_picture_(preset_.nz, preset_.r) {
  vae_enc_ = std::make_unique<VaeEncoder>(preset_);
  vae_dec_ = vae_decoder(preset_);
  g_ = generator(preset_);
  d_ = std::make_unique<Discriminator>(preset_);
}

nn::Networks DeganModel::networks() {
  return {
      {"vae_enc", vae_enc_.get()}, {"vae_dec", vae_dec_.get()}, {"g", g_.get()}, {"d", d_.get()}};
}

std::vector<TrainingStage> DeganModel::stages() const {
  return training_stages();
}

void DeganModel::prepare_stage(int stage) {
  // Stage 1 trains the VAE alone; stage 2 G and D, the VAE frozen in eval mode.
  const bool vae = stage == 1;
  for (auto [name, net] : networks()) {
    const bool trains = std::string_view(name).starts_with("vae_") == vae;
    net->set_training(trains);
    net->set_trainable(trains);
  }
}

train::Optimizers DeganModel::make_optimizers(int stage, const train::TrainConfig& config) {
  const double lr = config.schedule(stage).lr;
  train::Optimizers out;
  if (stage == 1) {
    out.push_back(train::make_optimizer(
        "vae", {{"vae_enc", vae_enc_.get()}, {"vae_dec", vae_dec_.get()}}, lr, config));
    out.back().adam->set_options({lr, kVaeBeta1, kVaeBeta2, config.eps});
    return out;
  }
  out.push_back(train::make_optimizer("d", {{"d", d_.get()}}, lr, config));
  out.push_back(train::make_optimizer("g", {{"g", g_.get()}}, lr, config));
  return out;
}

train::LossValues DeganModel::step(int stage, train::Optimizers& optimizers, const StepInputs& in) {
  if (stage == 1) return vae_step(optimizers, in);
  if (stage == 2) return gan_step(optimizers, in);
  throw Error("DE-GAN has no training stage " + std::to_string(stage));
}

Tensor DeganModel::decode(const Tensor& code) {
  return vae_dec_->forward(code.reshape({code.dim(0), preset_.nz, 1, 1}));
}

train::LossValues DeganModel::vae_step(train::Optimizers& optimizers, const StepInputs& in) {
  vae_enc_->set_dropout_seed(in.noise_seed);
  const auto [mu, logvar] = vae_enc_->encode(in.x);
  const Tensor z = reparameterise(mu, logvar, reparameterisation_seed(in.noise_seed));
  const Tensor x_tilde = decode(z);
  // Sums over each image's pixels and each code's dimensions, means over the batch.
  const float pixels = static_cast<float>(in.x.numel() / in.x.dim(0));
  const Tensor rec = ops::scale(ops::mse_loss(x_tilde, in.x), pixels);
  const Tensor inner = ops::sub(ops::sub(logvar, ops::mul(mu, mu)), ops::exp(logvar));
  const Tensor kl =
      ops::scale(ops::add(ops::mean(inner), scalar(1.0f)), -0.5f * static_cast<float>(preset_.nz));
  train::StepLosses losses;
  losses.check(rec, "rec");
  losses.check(kl, "kl");
  losses.minimise(ops::add(rec, kl), "vae", train::adam(optimizers, "vae"));
  return losses.values();
}

Tensor DeganModel::decoder_encoder_noise(const Tensor& z_n, train::Posterior posterior,
                                         uint64_t seed) {
  NoGradGuard no_grad;
  const Tensor x_hat = decode(z_n);
  const auto [mu, logvar] = vae_enc_->encode(x_hat);
  return posterior == train::Posterior::mean ? mu : reparameterise(mu, logvar, seed);
}

train::LossValues DeganModel::gan_step(train::Optimizers& optimizers, const StepInputs& in) {
  const Tensor z =
      decoder_encoder_noise(in.z, in.config.posterior, reparameterisation_seed(in.noise_seed));
  train::StepLosses losses;
  Tensor fake = g_->forward(z);
  losses.minimise(train::real_fake_loss(*d_, in.x, fake.detach()), "d",
                  train::adam(optimizers, "d"));
  train::Frozen frozen(*d_);
  while (g_loss_names_.size() < static_cast<size_t>(in.config.g_steps)) {
    std::string name = "g";
    if (!g_loss_names_.empty()) name += std::to_string(g_loss_names_.size() + 1);
    g_loss_names_.push_back(std::move(name));
  }
  for (int k = 0; k < in.config.g_steps; ++k) {
    if (k > 0) fake = g_->forward(z);
    // h(x) after the D step, from a pass of its own: a constant for G.
    const Tensor real_features = d_->features(in.x);
    const Tensor fake_features = d_->features(fake);
    const Tensor hidden = mean_row_distance(fake_features, real_features);
    if (k == 0) losses.check(hidden, "hid");
    const Tensor adversarial = ops::bce_with_logits(d_->logit(fake_features), 1.0f);
    losses.minimise(
        ops::add(adversarial, ops::scale(hidden, static_cast<float>(in.config.hidden_weight))),
        g_loss_names_[static_cast<size_t>(k)].c_str(), train::adam(optimizers, "g"));
  }
  return losses.values();
}

std::vector<NamedImages> DeganModel::generate(const Tensor& z) {
  const Tensor vae_image = decode(z);
  const Tensor image = g_->forward(vae_enc_->encode(vae_image).first);
  return {{"z_n", "z_n", z_picture_(z), false},
          {"vae", "vae_dec(z_n)", vae_image},
          {"image", "G(z')", image}};
}

Tensor DeganModel::reconstruct(const Tensor& x) {
  const Tensor mu = vae_enc_->forward(x);
  return decode(mu);
}

ModelKind degan_kind() {
  return {
      "degan",
      "degan-tiny64",
      preset_names(),
      {"r", "nz", "v", "g", "d"},
      [](const std::string& name) { return preset_sizes(preset_by_name(name)); },
      [](const ModelSizes& sizes, Prior prior, std::unique_ptr<Model>) -> std::unique_ptr<Model> {
        return std::make_unique<DeganModel>(sizes, prior);
      },
      Prior::normal,
      64,  // docs/models/degan.md, "Training schedule"
      training_stages()};
}

}  // namespace aegan::degan
