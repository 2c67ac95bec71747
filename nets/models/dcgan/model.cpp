#include "nets/models/dcgan/model.hpp"

#include "engine/error.hpp"
#include "engine/ops.hpp"

namespace aegan::dcgan {
namespace {

// docs/models/dcgan.md, "Training": Adam at 2e-4 for both players; 200 epochs as in the
// AEGAN comparison (the PyTorch example's 25 is an --epochs1 away).
const std::vector<TrainingStage>& training_stages() {
  static const std::vector<TrainingStage> stages = {
      {"gan", "DCGAN (D and G)", {200, 0, 2e-4}, true}};
  return stages;
}

}  // namespace

ModelSizes preset_sizes(const Preset& p) {
  return {p.name, {{"r", p.r}, {"w", p.w}, {"nz", p.nz}}};
}

Preset preset_from_sizes(const ModelSizes& s) {
  return {s.preset, s.at("r"), s.at("w"), s.at("nz")};
}

DcganModel::DcganModel(const ModelSizes& sizes, Prior prior)
    : Model(sizes, prior), dcgan_(preset_from_sizes(sizes)) {}

std::vector<TrainingStage> DcganModel::stages() const {
  return training_stages();
}

train::Optimizers DcganModel::make_optimizers(int stage, const train::TrainConfig& config) {
  const double lr = config.schedule(stage).lr;
  train::Optimizers out;
  out.push_back(train::make_optimizer("d", {{"d", &dcgan_.d()}}, lr, config));
  out.push_back(train::make_optimizer("g", {{"g", &dcgan_.g()}}, lr, config));
  return out;
}

train::LossValues DcganModel::step(int stage, train::Optimizers& optimizers, const StepInputs& in) {
  if (stage != 1) throw Error("DCGAN has no training stage " + std::to_string(stage));
  train::StepLosses losses;
  // One G pass serves both players: D sees it detached, G's loss keeps its graph.
  const Tensor fake = dcgan_.g().forward(in.z);
  losses.minimise(train::real_fake_loss(dcgan_.d(), in.x, fake.detach()), "d",
                  train::adam(optimizers, "d"));
  train::Frozen frozen(dcgan_.d());
  losses.minimise(ops::bce_with_logits(dcgan_.d().forward(fake), 1.0f), "g",
                  train::adam(optimizers, "g"));
  return losses.values();
}

std::vector<NamedImages> DcganModel::generate(const Tensor& z) {
  return {{"image", "G(z)", dcgan_.generate(z)}};
}

ModelKind dcgan_kind() {
  return {
      "dcgan",
      "dcgan-tiny64",
      preset_names(),
      {"r", "w", "nz"},
      [](const std::string& name) { return preset_sizes(preset_by_name(name)); },
      [](const ModelSizes& sizes, Prior prior, std::unique_ptr<Model>) -> std::unique_ptr<Model> {
        return std::make_unique<DcganModel>(sizes, prior);
      },
      Prior::normal,
      64,  // docs/models/dcgan.md: the PyTorch example's batch
      training_stages()};
}

}  // namespace aegan::dcgan
