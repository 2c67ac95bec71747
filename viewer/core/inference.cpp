#include "viewer/core/inference.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "engine/autograd.hpp"
#include "engine/error.hpp"
#include "engine/io/safetensors.hpp"
#include "nets/models/registry.hpp"

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
  out.model = load_model(file);
  out.step = training_step(file);
  return out;
}

ViewerModel fresh_viewer_model(const std::string& model, const ModelSizes& sizes, uint64_t seed) {
  ViewerModel out;
  out.model = create_model(model, sizes);
  out.model->initialise(seed);
  out.model->set_training(false);
  return out;
}

std::vector<std::string> Inference::stages_of(Model& model) {
  std::vector<std::string> stages{"generate"};
  if (EmbeddingSpace* space = model.embedding_space()) {
    stages = space->decoder_names();
    stages.insert(stages.begin(), space->encoder_name());
  }
  stages.emplace_back("convert");
  return stages;
}

Inference::Inference(Model& model, uint32_t slots)
    : stages_(stages_of(model)),
      embedded_(model.embedding_space() != nullptr),
      clock_(static_cast<uint32_t>(stages_.size()), slots) {}

std::string Inference::formula(size_t image) const {
  if (!embedded_) return images_.at(image).label;
  std::string text = from_walk_ ? "embedding" : stages_[0] + "(z)";
  for (size_t i = 0; i <= image; ++i)
    text = stages_.at(i + 1) + "(" + text + ")";
  return text;
}

TileLayout Inference::embedding_layout(int channels, int size, bool normalise) {
  TileLayout layout;
  layout.columns =
      std::max(1, static_cast<int>(std::ceil(std::sqrt(static_cast<double>(channels)))));
  layout.gap = 2;
  layout.zoom = std::max(1, 32 / size);
  layout.normalise = normalise;
  return layout;
}

void Inference::run(Model& model, std::span<const float> z, const DisplaySettings& settings,
                    uint32_t slot) {
  const int nz = model.latent_size();
  if (z.size() != static_cast<size_t>(nz)) throw Error("internal error: z has the wrong size");
  NoGradGuard no_grad;
  // Eval mode: BN uses running statistics and dropout is off (docs/models/aegan.md, Inference).
  model.set_training(false);
  if (!z_.defined() || z_.dim(1) != nz) z_ = Tensor::empty({1, nz, 1, 1});
  from_walk_ = false;
  clock_.begin(slot);
  z_.upload(z);
  if (EmbeddingSpace* space = model.embedding_space()) {
    embedding_ = space->embed(z_);
    clock_.mark(0);
    decode(*space);
  } else {
    images_ = model.generate(z_);
    clock_.mark(0);
  }
  convert(settings);
}

void Inference::run(Model& model, const EmbeddingWalk& walk, double t,
                    const DisplaySettings& settings, uint32_t slot) {
  EmbeddingSpace& space = embedding_space(model);
  NoGradGuard no_grad;
  model.set_training(false);
  from_walk_ = true;
  clock_.begin(slot);
  embedding_ = walk.at(t);
  clock_.mark(0);
  decode(space);
  convert(settings);
}

void Inference::decode(EmbeddingSpace& space) {
  images_.clear();
  const size_t networks = space.decoder_names().size();
  for (size_t i = 0; i < networks; ++i) {
    images_.push_back(space.decode(i, i == 0 ? embedding_ : images_.back().images));
    clock_.mark(static_cast<uint32_t>(i + 1));
  }
}

void Inference::convert(const DisplaySettings& settings) {
  to_display(image(), 0, settings.zoom, settings.order, image_pixels_);
  if (settings.beside) {
    intermediate_pixels_.resize(images_.size() - 1);
    for (size_t i = 0; i + 1 < images_.size(); ++i)
      to_display(images_[i].images, 0, settings.zoom, settings.order, intermediate_pixels_[i]);
  }
  if (settings.embedding && embedding_.defined()) {
    const int channels = static_cast<int>(embedding_.dim(1)),
              size = static_cast<int>(embedding_.dim(2));
    to_display_tiles(embedding_.reshape({channels, 1, size, size}),
                     embedding_layout(channels, size, settings.embedding_normalise), settings.order,
                     embedding_pixels_);
  }
  clock_.mark(static_cast<uint32_t>(stages_.size() - 1));
}

}  // namespace aegan::viewer
