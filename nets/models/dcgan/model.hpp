#pragma once
#include <string>
#include <vector>

#include "nets/model.hpp"
#include "nets/models/dcgan/dcgan.hpp"
#include "nets/models/registry.hpp"

namespace aegan::dcgan {

ModelSizes preset_sizes(const Preset& preset);
Preset preset_from_sizes(const ModelSizes& sizes);

// DCGAN (docs/models/dcgan.md) as a Model: one stage of a D step then a G step per
// minibatch, z from N(0, I) by default, generate() gives image = G(z).
class DcganModel final : public Model {
 public:
  DcganModel(const ModelSizes& sizes, Prior prior);

  Dcgan& dcgan() { return dcgan_; }

  std::string name() const override { return "dcgan"; }
  nn::Networks networks() override { return dcgan_.networks(); }
  std::vector<TrainingStage> stages() const override;
  train::Optimizers make_optimizers(int stage, const train::TrainConfig& config) override;
  train::LossValues step(int stage, train::Optimizers& optimizers,
                         const StepInputs& inputs) override;
  std::vector<NamedImages> generate(const Tensor& z) override;

 private:
  Dcgan dcgan_;
};

// The registry's entry: presets dcgan64, dcgan512, dcgan-tiny64, sizes r, w, nz.
ModelKind dcgan_kind();

}  // namespace aegan::dcgan
