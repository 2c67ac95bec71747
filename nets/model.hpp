#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/tensor.hpp"
#include "nets/model_sizes.hpp"
#include "nets/module.hpp"
#include "nets/train/config.hpp"
#include "nets/train/gan.hpp"

namespace aegan {

// One stage of a model's training schedule.
struct TrainingStage {
  std::string name;               // "autoencoder", "gan": also what `bench train` calls its figure
  std::string title;              // for progress lines and errors: "stage 2 (GANs)"
  train::StageSchedule schedule;  // default epochs and learning rate
  bool generates = true;  // draws z; its sample grids show generated images, else reconstructions
};

// One batch of what a model makes from z: its name ("x_hat", "image"), how to call it in text
// ("phi(x_hat)") and the images [N, 3, r, r].
struct NamedImages {
  std::string name;
  std::string label;
  Tensor images;
  // Compared with the data (SWD in the training log and eval); false for a picture of something
  // that is not an image, like DE-GAN's z_n.
  bool measured = true;
};

// What one training step gets besides the model and the stage's optimisers.
struct StepInputs {
  const Tensor& x;      // real images [N, 3, r, r]
  const Tensor& z;      // latents [N, nz, 1, 1] from the prior; empty unless the stage generates
  uint64_t noise_seed;  // seeds the step's own randomness (dropout masks)
  const train::TrainConfig& config;
};

// The __metadata__ that rebuilds a model: "model", "preset", each size, "prior".
std::map<std::string, std::string> model_metadata(const std::string& model, const ModelSizes& sizes,
                                                  Prior prior);

// A space between z and the images that a model's generation passes through (AEGAN's embedding
// G_E(z)): walks may interpolate there instead of in z, and generate() can be run one network at
// a time from it, so that a viewer can show the embedding and time each network.
class EmbeddingSpace {
 public:
  virtual ~EmbeddingSpace() = default;
  // The network from z to the embedding ("G_E").
  virtual std::string encoder_name() const = 0;
  // The networks from the embedding to the images, in order ("F", "phi"): network i makes image i
  // of generate() from image i - 1 (the first from the embedding).
  virtual std::vector<std::string> decoder_names() const = 0;
  // z [N, nz, 1, 1] to the embedding [N, c, s, s].
  virtual Tensor embed(const Tensor& z) = 0;
  virtual NamedImages decode(size_t network, const Tensor& input) = 0;
};

// A generative model as the trainer, sampler, walker, evaluator and benchmarks drive it, without
// knowing which one it is. A model lives in nets/models/<name>/ and is registered by name in
// nets/models/registry.cpp.
class Model {
 public:
  virtual ~Model() = default;
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  // The registry's name, also the checkpoint's "model" metadata: "aegan", "dcgan", "denoiser".
  virtual std::string name() const = 0;
  const ModelSizes& sizes() const { return sizes_; }
  int image_size() const { return sizes_.at("r"); }
  int latent_size() const { return sizes_.at("nz"); }
  Prior prior() const { return prior_; }
  void set_prior(Prior prior) { prior_ = prior; }

  // The networks under their checkpoint prefixes, in the spec's order.
  virtual nn::Networks networks() = 0;
  // Every parameter and buffer under its checkpoint name.
  nn::NamedTensors state();
  // Fresh weights of the networks it trains (a model built on a frozen generator keeps that).
  virtual void initialise(uint64_t seed);
  virtual void set_training(bool training);
  // model_metadata() of this model.
  virtual std::map<std::string, std::string> metadata() const;

  // Training: stages 1 ... stages().size(), each with fresh optimisers.
  virtual std::vector<TrainingStage> stages() const = 0;
  // Training/eval modes and trainable flags of the stage (frozen networks compute no weight
  // gradients); call it before make_optimizers().
  virtual void prepare_stage(int stage);
  virtual train::Optimizers make_optimizers(int stage, const train::TrainConfig& config) = 0;
  // One minibatch of the stage; returns every loss, read back from the device.
  virtual train::LossValues step(int stage, train::Optimizers& optimizers,
                                 const StepInputs& inputs) = 0;

  // What z [N, nz, 1, 1] gives in the current mode: the intermediate images worth showing, then
  // the final image, named "image".
  virtual std::vector<NamedImages> generate(const Tensor& z) = 0;
  // For stages that do not generate: real images x as the model gives them back.
  virtual Tensor reconstruct(const Tensor& x);
  // An encoder of images into features, [N, c, s, s] (AEGAN's H gives FD-H); none by default.
  virtual bool has_encoder() const { return false; }
  virtual Tensor encode(const Tensor& x);
  // The space generation passes through, where the model has one; none by default.
  virtual EmbeddingSpace* embedding_space() { return nullptr; }

 protected:
  Model(ModelSizes sizes, Prior prior) : sizes_(std::move(sizes)), prior_(prior) {}

 private:
  ModelSizes sizes_;
  Prior prior_;
};

}  // namespace aegan
