// Helper of bench.parity: the engine's side of the training-step comparison with PyTorch.
//   parity_tool MODEL PRESET STAGE STEPS BATCH SEED FOLDER [EPS [LAMBDA]]
// Initialises MODEL (a registered model, e.g. "dcgan", "aegan") at PRESET with SEED, draws the
// STEPS minibatches of BATCH real images x (uniform in [-1, 1]) and latents z (N(0, I)), and
// runs STEPS training steps of STAGE from the stage's own optimisers (Adam's eps EPS, by default
// the trainer's; phi's L1 weight LAMBDA, by default the trainer's), STAGE > 1 after 20 steps of
// stage 1 (recorded as the initial state). Writes
// FOLDER/initial.safetensors (every parameter and buffer before the first step, and the inputs
// "input.x.<k>", "input.z.<k>"), FOLDER/step<k>.safetensors after each step k (a training
// checkpoint: every tensor, each Adam's moments and step count) and FOLDER/final.safetensors (every
// tensor after the last step), for tests/parity/parity.py to run the same steps in PyTorch.
// A model on a generator (the denoiser) trains on a DCGAN dcgan-tiny64 initialised with SEED + 1
// and trained for 60 steps.
// AEGAN's, the denoiser's and DE-GAN's dropout is switched off (a test-only switch): its masks come
// from the engine's hash and PyTorch cannot draw the same ones. DE-GAN's reparameterisation noise
// of each step is written as "input.eps.<k>", as the engine draws it.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "engine/error.hpp"
#include "engine/io/safetensors.hpp"
#include "engine/ops.hpp"
#include "engine/runtime.hpp"
#include "nets/models/aegan/model.hpp"
#include "nets/models/degan/model.hpp"
#include "nets/models/denoiser/model.hpp"
#include "nets/models/registry.hpp"
#include "nets/train/checkpoint.hpp"

namespace {

using aegan::Tensor;

aegan::io::HostTensor to_host(const Tensor& tensor) {
  const auto shape = tensor.shape();
  return {std::vector<int64_t>(shape.begin(), shape.end()), tensor.to_host()};
}

void add_state(aegan::Model& model, aegan::io::Safetensors& file) {
  for (const auto& [name, tensor] : model.state())
    file.tensors[name] = to_host(tensor);
}

aegan::io::HostTensor draw(std::vector<int64_t> shape, bool uniform, std::mt19937& random) {
  int64_t count = 1;
  for (int64_t extent : shape)
    count *= extent;
  std::uniform_real_distribution<float> between(-1.0f, 1.0f);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> values(static_cast<size_t>(count));
  for (float& value : values)
    value = uniform ? between(random) : normal(random);
  return {std::move(shape), std::move(values)};
}

Tensor upload(const aegan::io::HostTensor& host) {
  return Tensor::from_host(aegan::Shape(host.shape.begin(), host.shape.end()), host.data);
}

// `steps` steps of the model's stage 1 on uniform noise images (batch 8, inputs drawn from
// `seed`): weights and BN statistics of ordinary size to start a comparison from.
void train_stage1(aegan::Model& model, const aegan::train::TrainConfig& config, int steps,
                  uint64_t seed) {
  model.prepare_stage(1);
  auto optimizers = model.make_optimizers(1, config);
  std::mt19937 warm(static_cast<uint32_t>(seed));
  const int r = model.image_size(), nz = model.latent_size();
  for (int k = 0; k < steps; ++k) {
    const Tensor x = upload(draw({8, 3, r, r}, true, warm));
    const Tensor z = upload(draw({8, nz, 1, 1}, false, warm));
    model.step(1, optimizers, {x, z, seed + k, config});
  }
}

int run(const std::string& model_name, const std::string& preset, int stage, int steps, int batch,
        uint64_t seed, const std::filesystem::path& folder, double eps, double lambda) {
  const aegan::ModelKind& kind = aegan::model_kind(model_name);
  std::unique_ptr<aegan::Model> generator;
  if (kind.on_generator) {
    generator = aegan::create_model("dcgan", aegan::model_kind("dcgan").preset("dcgan-tiny64"));
    generator->initialise(seed + 1);
    // An untrained G makes images about 0.003 in size in eval mode, on which phi's first batch
    // norm sees channels of variance below its eps and only amplifies rounding. Steps of training
    // (on uniform noise images) give it images of ordinary size, once its running statistics
    // (momentum 0.1) have forgotten their initial variance of 1: 10 steps leave its images at
    // about 0.003, 60 give about 0.09.
    aegan::train::TrainConfig generator_config;
    generator_config.stages = {aegan::model_kind("dcgan").stages[0].schedule};
    train_stage1(*generator, generator_config, 60, seed + 1);
  }
  auto model =
      aegan::create_model(model_name, kind.preset(preset), std::nullopt, std::move(generator));
  model->initialise(seed);
  if (auto* aegan_model = dynamic_cast<aegan::AeganModel*>(model.get())) {
    aegan_model->aegan().set_dropout_enabled(false);
  }
  if (auto* denoiser = dynamic_cast<aegan::denoiser::DenoiserModel*>(model.get())) {
    denoiser->set_dropout_enabled(false);
  }
  auto* degan = dynamic_cast<aegan::degan::DeganModel*>(model.get());
  if (degan) degan->set_dropout_enabled(false);

  aegan::train::TrainConfig config;
  config.model = model_name;
  config.eps = eps;
  config.lambda = lambda;
  for (const auto& known : kind.stages)
    config.stages.push_back(known.schedule);
  // Later stages start from weights that stage 1 trained, as in a run: from fresh ones AEGAN's F
  // makes images about 0.005 in size, unlike anything stage 2 sees in training.
  if (stage > 1) train_stage1(*model, config, 20, seed + 2);

  aegan::io::Safetensors initial;
  initial.metadata = model->metadata();
  initial.metadata["stage"] = std::to_string(stage);
  initial.metadata["steps"] = std::to_string(steps);
  for (const auto& [key, value] : {std::pair{"lr", config.schedule(stage).lr},
                                   std::pair{"eps", eps}, std::pair{"lambda", lambda}}) {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", value);
    initial.metadata[key] = text;
  }
  add_state(*model, initial);
  std::mt19937 random(static_cast<uint32_t>(seed));
  const int r = model->image_size();
  for (int k = 0; k < steps; ++k) {
    initial.tensors["input.x." + std::to_string(k)] = draw({batch, 3, r, r}, true, random);
    initial.tensors["input.z." + std::to_string(k)] =
        draw({batch, model->latent_size(), 1, 1}, false, random);
    if (degan) {
      const uint64_t noise = aegan::degan::reparameterisation_seed(seed + static_cast<uint64_t>(k));
      initial.tensors["input.eps." + std::to_string(k)] =
          to_host(aegan::ops::normal({batch, model->latent_size()}, noise));
    }
  }
  aegan::io::write_safetensors(folder / "initial.safetensors", initial);

  model->prepare_stage(stage);
  auto optimizers = model->make_optimizers(stage, config);
  for (int k = 0; k < steps; ++k) {
    const Tensor x = upload(initial.at("input.x." + std::to_string(k)));
    const Tensor z = upload(initial.at("input.z." + std::to_string(k)));
    const aegan::StepInputs inputs{x, z, seed + static_cast<uint64_t>(k), config};
    for (const auto& [name, value] : model->step(stage, optimizers, inputs))
      std::printf("step %d %s %.6f\n", k, name.c_str(), value);
    const aegan::train::TrainState after{stage, k + 1, k + 1};
    aegan::train::save_checkpoint(folder / ("step" + std::to_string(k) + ".safetensors"), *model,
                                  optimizers, config, after);
  }
  aegan::io::Safetensors final_state;
  final_state.metadata = initial.metadata;
  add_state(*model, final_state);
  aegan::io::write_safetensors(folder / "final.safetensors", final_state);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // The runtime goes before the exit handlers run: left to its static destructor, its last
  // submission reaches a driver and validation layer that are being unloaded (a crash there).
  struct RuntimeShutdown {
    ~RuntimeShutdown() { aegan::Runtime::shutdown(); }
  } shutdown;
  try {
    if (argc >= 8 && argc <= 10) {
      const aegan::train::TrainConfig defaults;
      return run(argv[1], argv[2], std::atoi(argv[3]), std::atoi(argv[4]), std::atoi(argv[5]),
                 std::strtoull(argv[6], nullptr, 10), argv[7],
                 argc >= 9 ? std::atof(argv[8]) : defaults.eps,
                 argc >= 10 ? std::atof(argv[9]) : defaults.lambda);
    }
    std::fprintf(stderr,
                 "usage: parity_tool MODEL PRESET STAGE STEPS BATCH SEED FOLDER [EPS [LAMBDA]]\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "parity_tool: %s\n", e.what());
    return 1;
  }
}
