#include "viewer/core/inference.hpp"

#include <nlohmann/json.hpp>

#include "engine/autograd.hpp"
#include "engine/error.hpp"
#include "engine/io/safetensors.hpp"
#include "nets/model_io.hpp"

namespace aegan::viewer {
namespace {

// Written by the trainer next to the weights (nets/train/checkpoint.cpp); a model file has none.
int64_t training_step(const io::Safetensors& file) {
  const auto it = file.metadata.find("aegan_vk.training");
  if (it == file.metadata.end()) return -1;
  const nlohmann::json training = nlohmann::json::parse(it->second, nullptr, false);
  if (!training.is_object() || !training.contains("global_step")) return -1;
  return training["global_step"].is_number_integer() ? training["global_step"].get<int64_t>() : -1;
}

}  // namespace

ViewerModel load_viewer_model(const std::filesystem::path& checkpoint) {
  ViewerModel out;
  out.checkpoint = checkpoint;
  std::error_code error;
  out.modified = std::filesystem::last_write_time(checkpoint, error);
  const io::Safetensors file = io::read_safetensors(checkpoint);
  out.model = std::make_unique<Aegan>(preset_from_metadata(file));
  restore_tensors(out.model->state(), file);
  out.model->set_training(false);
  out.step = training_step(file);
  return out;
}

ViewerModel fresh_viewer_model(const Preset& preset, uint64_t seed) {
  ViewerModel out;
  out.model = std::make_unique<Aegan>(preset);
  out.model->initialise(seed);
  out.model->set_training(false);
  return out;
}

Inference::Inference(uint32_t slots) : clock_(static_cast<uint32_t>(kStages.size()), slots) {}

void Inference::run(Aegan& model, std::span<const float> z, const DisplaySettings& settings,
                    uint32_t slot) {
  const int nz = model.preset().nz;
  if (z.size() != static_cast<size_t>(nz)) throw Error("internal error: z has the wrong size");
  NoGradGuard no_grad;
  // Eval mode: BN uses running statistics and phi's dropout is off (docs/aegan.md, Inference).
  model.set_training(false);
  if (!z_.defined() || z_.dim(1) != nz) z_ = Tensor::empty({1, nz, 1, 1});
  clock_.begin(slot);
  z_.upload(z);
  embedding_ = model.g_e().forward(z_);
  clock_.mark(0);
  x_hat_ = model.f().forward(embedding_);
  clock_.mark(1);
  image_ = model.phi().forward(x_hat_);
  clock_.mark(2);
  to_display(image_, 0, settings.zoom, settings.order, image_pixels_);
  if (settings.x_hat) to_display(x_hat_, 0, settings.zoom, settings.order, x_hat_pixels_);
  clock_.mark(3);
}

}  // namespace aegan::viewer
