#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/optim/weight_average.hpp"
#include "nets/model.hpp"
#include "nets/models/registry.hpp"
#include "nets/models/stackgan/networks.hpp"

namespace aegan::stackgan {

ModelSizes preset_sizes(const Preset& preset);
Preset preset_from_sizes(const ModelSizes& sizes);

// Throws aegan::Error in one line naming both sizes unless `available` bytes hold `needed`.
void check_training_memory(const std::string& preset, int64_t needed, int64_t available);

// StackGAN-v2, unconditional (docs/models/stackgan.md), as a Model: one stage of a step of every
// D_i, then a G step on the sum of their losses and the colour-consistency terms, after which
// the weight average of G moves. generate() gives s_1 ... s_(m-1) (named "s64", "s128", ...;
// enlarged to r x r by repeating pixels, so that every part has the size of the image) and
// image = s_m, made with the averaged weights.
class StackganModel final : public Model {
 public:
  StackganModel(const ModelSizes& sizes, Prior prior);

  const Preset& preset() const { return preset_; }
  Generator& g() { return *g_; }
  nn::Sequential& d(size_t branch) { return *d_[branch]; }
  optim::WeightAverage& average() { return *average_; }

  std::string name() const override { return "stackgan"; }
  nn::Networks networks() override;
  void initialise(uint64_t seed) override;
  std::vector<TrainingStage> stages() const override;
  void prepare_stage(int stage) override;
  train::Optimizers make_optimizers(int stage, const train::TrainConfig& config) override;
  train::LossValues step(int stage, train::Optimizers& optimizers,
                         const StepInputs& inputs) override;
  std::vector<NamedImages> generate(const Tensor& z) override;

  // The real images of every branch, smallest first: x, then x halved by 2x2 means down to 64.
  std::vector<Tensor> real_images(const Tensor& x) const;
  // Bytes of device memory that training needs: the weights, their gradients and both Adam
  // moments (float32) of every network, and the generator's average (sg512's about 5.8 GB).
  int64_t training_bytes();

 private:
  Preset preset_;
  std::unique_ptr<Generator> g_;
  std::vector<std::unique_ptr<nn::Sequential>> d_;
  std::vector<std::string> d_names_;  // "d64", ...: storage for networks()' names
  std::unique_ptr<optim::WeightAverage> average_;
  std::unique_ptr<nn::Module> average_state_;  // the averages as buffers under "g_ema."
  Tensor halving_;                             // the weight of the 2x2 mean, [3, 3, 2, 2]
};

// The registry's entry: presets sg-tiny (the default), sg256, sg512; sizes r, gf, df, nz,
// residuals.
ModelKind stackgan_kind();

}  // namespace aegan::stackgan
