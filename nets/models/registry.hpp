#pragma once
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/io/safetensors.hpp"
#include "nets/model.hpp"

namespace aegan {

// A kind of model as the registry knows it: how to size one and how to build one.
struct ModelKind {
  std::string name;            // "aegan"
  std::string default_preset;  // the preset used when none is named
  std::vector<std::string> presets;
  std::vector<std::string> sizes;  // the names of its sizes ("r", "nz", ...), in its order
  std::function<ModelSizes(const std::string& preset)> preset;  // an unknown name throws
  // Builds one. A model trained on another model's frozen generator (`on_generator`) gets that
  // model, whose prior it takes; others get none.
  std::function<std::unique_ptr<Model>(const ModelSizes& sizes, Prior prior,
                                       std::unique_ptr<Model> generator)>
      create;
  Prior default_prior;
  int default_batch;
  std::vector<TrainingStage> stages;  // what Model::stages() gives, without building one
  bool on_generator = false;          // trains on another model's frozen generator
  train::Augmentation augmentation = train::Augmentation::none;  // its training data's
};

// Every registered model, in registration order.
const std::vector<ModelKind>& model_kinds();
// The model called `name`; an unknown name is an aegan::Error listing the known ones.
const ModelKind& model_kind(const std::string& name);
// A model of that kind with the prior it was trained with, or its own when none is given. A kind
// `on_generator` needs `generator` (its prior is the generator's), any other refuses one.
std::unique_ptr<Model> create_model(const std::string& name, const ModelSizes& sizes,
                                    std::optional<Prior> prior = std::nullopt,
                                    std::unique_ptr<Model> generator = nullptr);
// The metadata of a model on a frozen generator holds the generator's own under this prefix, as
// its checkpoint holds the generator's tensors.
inline constexpr const char* kGeneratorPrefix = "base.";
// A model with fresh weights as `metadata` (a checkpoint's) describes it: kind, sizes, prior and,
// for a model on a generator, that generator's (under kGeneratorPrefix). Errors name `source`.
std::unique_ptr<Model> build_model(const std::map<std::string, std::string>& metadata,
                                   const std::string& source);

// The file's "model" metadata; a file without one is AEGAN's, which wrote none before there
// were other models.
std::string model_name(const io::Safetensors& file);
// The model of a checkpoint or model file: kind, sizes and prior from its metadata, every tensor
// restored, eval mode.
std::unique_ptr<Model> load_model(const io::Safetensors& file);
std::unique_ptr<Model> load_model(const std::filesystem::path& path);

}  // namespace aegan
