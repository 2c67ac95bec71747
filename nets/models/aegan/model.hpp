#pragma once
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "nets/model.hpp"
#include "nets/models/aegan/networks.hpp"
#include "nets/models/registry.hpp"

namespace aegan {

ModelSizes preset_sizes(const Preset& preset);
Preset preset_from_sizes(const ModelSizes& sizes);

// AEGAN (docs/models/aegan.md) as a Model: three stages (autoencoder; the two GANs; fine-tuning), z
// from U(-1, 1), generate() gives x_hat = F(G_E(z)) and image = phi(x_hat), H is the encoder and
// G_E's embedding the embedding space.
class AeganModel final : public Model, public EmbeddingSpace {
 public:
  AeganModel(const ModelSizes& sizes, Prior prior);

  Aegan& aegan() { return aegan_; }

  std::string name() const override { return "aegan"; }
  nn::Networks networks() override { return aegan_.networks(); }
  std::vector<TrainingStage> stages() const override;
  void prepare_stage(int stage) override;
  train::Optimizers make_optimizers(int stage, const train::TrainConfig& config) override;
  train::LossValues step(int stage, train::Optimizers& optimizers,
                         const StepInputs& inputs) override;
  std::vector<NamedImages> generate(const Tensor& z) override;
  Tensor reconstruct(const Tensor& x) override;
  bool has_encoder() const override { return true; }
  Tensor encode(const Tensor& x) override;
  EmbeddingSpace* embedding_space() override { return this; }

  std::string encoder_name() const override { return "G_E"; }
  std::vector<std::string> decoder_names() const override { return {"F", "phi"}; }
  Tensor embed(const Tensor& z) override;
  NamedImages decode(size_t network, const Tensor& input) override;

 private:
  Aegan aegan_;
};

// AEGAN's sizes in a checkpoint's __metadata__ (docs/models/aegan.md, "Checkpoint names"): "r",
// "es", "ec", "w", "nz" and the preset's name, with "model" and "prior". Reading a file of another
// model is an aegan::Error naming it.
std::map<std::string, std::string> preset_metadata(const Preset& preset);
Preset preset_from_metadata(const io::Safetensors& file);
// The networks of an AEGAN checkpoint or model file, every tensor restored, eval mode.
std::unique_ptr<Aegan> load_aegan(const std::filesystem::path& path);

// The registry's entry: presets tiny64 and paper512, sizes r, es, ec, w, nz.
ModelKind aegan_kind();

}  // namespace aegan
