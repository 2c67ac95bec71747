#include "viewer/core/inference.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "engine/autograd.hpp"
#include "engine/error.hpp"
#include "engine/io/safetensors.hpp"
#include "nets/model_io.hpp"
#include "nets/models/aegan/model.hpp"

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

TileLayout Inference::embedding_layout(int channels, int size, bool normalise) {
  TileLayout layout;
  layout.columns =
      std::max(1, static_cast<int>(std::ceil(std::sqrt(static_cast<double>(channels)))));
  layout.gap = 2;
  layout.zoom = std::max(1, 32 / size);
  layout.normalise = normalise;
  return layout;
}

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
  decode(model, settings);
}

void Inference::run(Aegan& model, const EmbeddingWalk& walk, double t,
                    const DisplaySettings& settings, uint32_t slot) {
  NoGradGuard no_grad;
  model.set_training(false);
  clock_.begin(slot);
  embedding_ = walk.at(t);
  clock_.mark(0);
  decode(model, settings);
}

void Inference::decode(Aegan& model, const DisplaySettings& settings) {
  x_hat_ = model.f().forward(embedding_);
  clock_.mark(1);
  image_ = model.phi().forward(x_hat_);
  clock_.mark(2);
  to_display(image_, 0, settings.zoom, settings.order, image_pixels_);
  if (settings.x_hat) to_display(x_hat_, 0, settings.zoom, settings.order, x_hat_pixels_);
  if (settings.embedding) {
    const int channels = static_cast<int>(embedding_.dim(1)),
              size = static_cast<int>(embedding_.dim(2));
    to_display_tiles(embedding_.reshape({channels, 1, size, size}),
                     embedding_layout(channels, size, settings.embedding_normalise), settings.order,
                     embedding_pixels_);
  }
  clock_.mark(3);
}

}  // namespace aegan::viewer
