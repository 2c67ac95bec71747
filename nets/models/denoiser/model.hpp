#pragma once
#include <memory>
#include <string>
#include <vector>

#include "nets/model.hpp"
#include "nets/models/aegan/networks.hpp"
#include "nets/models/registry.hpp"

namespace aegan::denoiser {

// AEGAN's denoiser phi and its discriminator D_R trained on the images of another model's frozen
// generator (docs/models/denoiser.md, the paper's Table II): x_hat = G_b(z) takes the place
// of F(G_E(z)) in AEGAN's stage-2 updates of phi and D_R. generate() gives the baseline's image
// and phi of it. The generator's networks are part of the model, under "base.", so that its
// checkpoint alone rebuilds both.
class DenoiserModel final : public Model {
 public:
  // `sizes` holds phi's and D_R's width "w"; r and nz are the generator's.
  DenoiserModel(const ModelSizes& sizes, std::unique_ptr<Model> generator);

  Model& generator() { return *generator_; }
  nn::Sequential& phi() { return phi_.net(); }
  nn::Sequential& d_r() { return *d_r_; }
  // Test-only (tests/parity): phi without dropout, whose masks PyTorch cannot reproduce.
  void set_dropout_enabled(bool enabled) { phi_.set_dropout_enabled(enabled); }

  std::string name() const override { return "denoiser"; }
  nn::Networks networks() override;
  void initialise(uint64_t seed) override;
  void set_training(bool training) override;
  std::map<std::string, std::string> metadata() const override;
  std::vector<TrainingStage> stages() const override;
  void prepare_stage(int stage) override;
  train::Optimizers make_optimizers(int stage, const train::TrainConfig& config) override;
  train::LossValues step(int stage, train::Optimizers& optimizers,
                         const StepInputs& inputs) override;
  std::vector<NamedImages> generate(const Tensor& z) override;

 private:
  // The image G_b(z) of the generator, which stays in eval mode.
  NamedImages baseline(const Tensor& z);

  std::unique_ptr<Model> generator_;
  std::vector<std::string> generator_names_;  // "base.g", ...: storage for networks()' names
  Denoiser phi_;
  std::unique_ptr<nn::Sequential> d_r_;
};

// The registry's entry: presets tiny64 (w 16) and paper512 (w 64, the paper's), size w.
ModelKind denoiser_kind();

}  // namespace aegan::denoiser
