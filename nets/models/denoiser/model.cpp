#include "nets/models/denoiser/model.hpp"

#include "engine/autograd.hpp"
#include "engine/error.hpp"
#include "nets/blocks.hpp"
#include "nets/models/aegan/steps.hpp"

namespace aegan::denoiser {
namespace {

// docs/models/denoiser.md: AEGAN's stage-2 budget and Adam settings.
const std::vector<TrainingStage>& training_stages() {
  static const std::vector<TrainingStage> stages = {
      {"denoiser", "denoiser (phi and D_R on G(z))", {200, 0, 2e-4}, true}};
  return stages;
}

ModelSizes preset_sizes(const std::string& name) {
  if (name == "paper512") return {name, {{"w", 64}}};
  if (name == "tiny64") return {name, {{"w", 16}}};
  throw Error("unknown denoiser preset '" + name + "' (known: paper512, tiny64)");
}

// phi and D_R are built for the generator's images: r x r, r a power of two of at least 64.
ModelSizes sizes_on(const ModelSizes& sizes, Model& generator) {
  const int r = generator.image_size();
  if (r < 64 || (r & (r - 1)) != 0) {
    throw Error("the denoiser needs images of a power-of-two size of at least 64, and the " +
                generator.name() + " generator makes " + std::to_string(r) + "x" +
                std::to_string(r));
  }
  const int w = sizes.at("w");
  if (w < 1) throw Error("the denoiser's width w must be positive, not " + std::to_string(w));
  return {sizes.preset, {{"r", r}, {"w", w}, {"nz", generator.latent_size()}}};
}

}  // namespace

DenoiserModel::DenoiserModel(const ModelSizes& sizes, std::unique_ptr<Model> generator)
    : Model(sizes_on(sizes, *generator), generator->prior()),
      generator_(std::move(generator)),
      phi_(image_size(), this->sizes().at("w")),
      d_r_(nn::image_discriminator(image_size(), this->sizes().at("w"))) {
  for (const auto& [name, net] : generator_->networks())
    generator_names_.push_back(kGeneratorPrefix + std::string(name));
}

nn::Networks DenoiserModel::networks() {
  nn::Networks out{{"d_r", d_r_.get()}, {"phi", &phi_.net()}};
  const nn::Networks base = generator_->networks();
  for (size_t i = 0; i < base.size(); ++i)
    out.emplace_back(generator_names_[i].c_str(), base[i].second);
  return out;
}

void DenoiserModel::initialise(uint64_t seed) {
  nn::initialise({{"d_r", d_r_.get()}, {"phi", &phi_.net()}}, seed);
}

void DenoiserModel::set_training(bool training) {
  d_r_->set_training(training);
  phi_.net().set_training(training);
  generator_->set_training(false);
}

std::map<std::string, std::string> DenoiserModel::metadata() const {
  std::map<std::string, std::string> out = Model::metadata();
  for (const auto& [key, value] : generator_->metadata())
    out.emplace(kGeneratorPrefix + key, value);
  return out;
}

std::vector<TrainingStage> DenoiserModel::stages() const {
  return training_stages();
}

void DenoiserModel::prepare_stage(int) {
  set_training(true);
  d_r_->set_trainable(true);
  phi_.net().set_trainable(true);
  for (auto [name, net] : generator_->networks())
    net->set_trainable(false);
}

train::Optimizers DenoiserModel::make_optimizers(int stage, const train::TrainConfig& config) {
  const double lr = config.schedule(stage).lr;
  train::Optimizers out;
  out.push_back(train::make_optimizer("d_r", {{"d_r", d_r_.get()}}, lr, config));
  out.push_back(train::make_optimizer("phi", {{"phi", &phi_.net()}}, lr, config));
  return out;
}

train::LossValues DenoiserModel::step(int stage, train::Optimizers& optimizers,
                                      const StepInputs& in) {
  if (stage != 1) throw Error("the denoiser has no training stage " + std::to_string(stage));
  phi_.set_dropout_seed(in.noise_seed);
  Tensor x_hat;
  {
    NoGradGuard no_grad;
    x_hat = baseline(in.z).images;
  }
  train::StepLosses losses;
  train::denoiser_updates(phi_.net(), *d_r_, optimizers, in.x, x_hat, in.config.lambda, losses);
  return losses.values();
}

NamedImages DenoiserModel::baseline(const Tensor& z) {
  NamedImages image = generator_->generate(z).back();
  image.name = "baseline";
  return image;
}

std::vector<NamedImages> DenoiserModel::generate(const Tensor& z) {
  NamedImages base = baseline(z);
  const std::string label = "phi(" + base.label + ")";
  const Tensor denoised = phi_.net().forward(base.images);
  return {std::move(base), {"image", label, denoised}};
}

ModelKind denoiser_kind() {
  ModelKind kind{
      "denoiser",
      "paper512",
      {"tiny64", "paper512"},
      {"w"},
      preset_sizes,
      [](const ModelSizes& sizes, Prior, std::unique_ptr<Model> generator) {
        return std::unique_ptr<Model>(std::make_unique<DenoiserModel>(sizes, std::move(generator)));
      },
      Prior::normal,  // unused: the generator's prior is the model's
      16,
      training_stages()};
  kind.on_generator = true;
  return kind;
}

}  // namespace aegan::denoiser
