#include "nets/models/aegan/model.hpp"

#include "engine/error.hpp"
#include "nets/model_io.hpp"
#include "nets/models/aegan/steps.hpp"

namespace aegan {
namespace {

const std::vector<TrainingStage>& training_stages() {
  // Stage 3 is optional: 0 epochs skips it.
  static const std::vector<TrainingStage> stages = {
      {"autoencoder", "stage 1 (autoencoder)", {100, 0, 1e-5}, false},
      {"gan", "stage 2 (GANs)", {200, 0, 2e-4}, true},
      {"finetune", "stage 3 (fine-tuning)", {0, 0, 1e-7}, true}};
  return stages;
}

}  // namespace

ModelSizes preset_sizes(const Preset& p) {
  return {p.name, {{"r", p.r}, {"es", p.es}, {"ec", p.ec}, {"w", p.w}, {"nz", p.nz}}};
}

Preset preset_from_sizes(const ModelSizes& s) {
  return {s.preset, s.at("r"), s.at("es"), s.at("ec"), s.at("w"), s.at("nz")};
}

AeganModel::AeganModel(const ModelSizes& sizes, Prior prior)
    : Model(sizes, prior), aegan_(preset_from_sizes(sizes)) {}

std::vector<TrainingStage> AeganModel::stages() const {
  return training_stages();
}

void AeganModel::prepare_stage(int stage) {
  train::prepare_stage(aegan_, stage);
}

train::Optimizers AeganModel::make_optimizers(int stage, const train::TrainConfig& config) {
  return train::make_optimizers(aegan_, stage, config);
}

train::LossValues AeganModel::step(int stage, train::Optimizers& optimizers, const StepInputs& in) {
  aegan_.set_dropout_seed(in.noise_seed);
  switch (stage) {
    case 1:
      return train::autoencoder_step(aegan_, optimizers, in.x, in.config.phi_warm_start);
    case 2:
      return train::gan_step(aegan_, optimizers, in.x, in.z, in.config.lambda);
    case 3:
      return train::finetune_step(aegan_, optimizers, in.x, in.z, in.config.lambda);
  }
  throw Error("AEGAN has no training stage " + std::to_string(stage));
}

std::vector<NamedImages> AeganModel::generate(const Tensor& z) {
  NamedImages x_hat = decode(0, embed(z));
  NamedImages image = decode(1, x_hat.images);
  return {std::move(x_hat), std::move(image)};
}

Tensor AeganModel::embed(const Tensor& z) {
  return aegan_.g_e().forward(z.reshape({z.dim(0), latent_size(), 1, 1}));
}

NamedImages AeganModel::decode(size_t network, const Tensor& input) {
  if (network == 0) return {"x_hat", "x_hat", aegan_.f().forward(input)};
  if (network == 1) return {"image", "phi(x_hat)", aegan_.phi().forward(input)};
  throw Error("AEGAN has no network " + std::to_string(network) + " after the embedding");
}

Tensor AeganModel::reconstruct(const Tensor& x) {
  return aegan_.f().forward(aegan_.h().forward(x));
}

Tensor AeganModel::encode(const Tensor& x) {
  return aegan_.h().forward(x);
}

std::map<std::string, std::string> preset_metadata(const Preset& preset) {
  return model_metadata("aegan", preset_sizes(preset), Prior::uniform);
}

Preset preset_from_metadata(const io::Safetensors& file) {
  const std::string model = model_name(file);
  if (model != "aegan") {
    throw Error(file.source.string() + " holds a " + model + " model, not AEGAN");
  }
  const auto name = file.metadata.find("preset");
  return {name == file.metadata.end() ? "custom" : name->second,
          metadata_int(file, "r"),
          metadata_int(file, "es"),
          metadata_int(file, "ec"),
          metadata_int(file, "w"),
          metadata_int(file, "nz")};
}

std::unique_ptr<Aegan> load_aegan(const std::filesystem::path& path) {
  const io::Safetensors file = io::read_safetensors(path);
  auto model = std::make_unique<Aegan>(preset_from_metadata(file));
  restore_tensors(model->state(), file);
  model->set_training(false);
  return model;
}

ModelKind aegan_kind() {
  return {
      "aegan",
      "tiny64",
      {"tiny64", "paper512"},
      {"r", "es", "ec", "w", "nz"},
      [](const std::string& name) { return preset_sizes(preset_by_name(name)); },
      [](const ModelSizes& sizes, Prior prior, std::unique_ptr<Model>) -> std::unique_ptr<Model> {
        return std::make_unique<AeganModel>(sizes, prior);
      },
      Prior::uniform,
      16,
      training_stages()};
}

}  // namespace aegan
