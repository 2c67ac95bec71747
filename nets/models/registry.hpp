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
  std::function<std::unique_ptr<Model>(const ModelSizes& sizes, Prior prior)> create;
  Prior default_prior;
  int default_batch;
  std::vector<TrainingStage> stages;  // what Model::stages() gives, without building one
};

// Every registered model, in registration order.
const std::vector<ModelKind>& model_kinds();
// The model called `name`; an unknown name is an aegan::Error listing the known ones.
const ModelKind& model_kind(const std::string& name);
// A model of that kind with the prior it was trained with, or its own when none is given.
std::unique_ptr<Model> create_model(const std::string& name, const ModelSizes& sizes,
                                    std::optional<Prior> prior = std::nullopt);

// The file's "model" metadata; a file without one is AEGAN's, which wrote none before there
// were other models.
std::string model_name(const io::Safetensors& file);
// The model of a checkpoint or model file: kind, sizes and prior from its metadata, every tensor
// restored, eval mode.
std::unique_ptr<Model> load_model(const io::Safetensors& file);
std::unique_ptr<Model> load_model(const std::filesystem::path& path);

}  // namespace aegan
