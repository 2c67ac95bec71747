#include "nets/models/registry.hpp"

#include "engine/error.hpp"
#include "nets/model_io.hpp"
#include "nets/models/aegan/model.hpp"
#include "nets/models/dcgan/model.hpp"

namespace aegan {

const std::vector<ModelKind>& model_kinds() {
  static const std::vector<ModelKind> kinds = {aegan_kind(), dcgan::dcgan_kind()};
  return kinds;
}

const ModelKind& model_kind(const std::string& name) {
  std::string known;
  for (const ModelKind& kind : model_kinds()) {
    if (kind.name == name) return kind;
    known += (known.empty() ? "" : ", ") + kind.name;
  }
  throw Error("unknown model '" + name + "' (known: " + known + ")");
}

std::unique_ptr<Model> create_model(const std::string& name, const ModelSizes& sizes,
                                    std::optional<Prior> prior) {
  const ModelKind& kind = model_kind(name);
  return kind.create(sizes, prior.value_or(kind.default_prior));
}

std::string model_name(const io::Safetensors& file) {
  const auto it = file.metadata.find("model");
  return it == file.metadata.end() ? "aegan" : it->second;
}

std::unique_ptr<Model> load_model(const io::Safetensors& file) {
  const ModelKind& kind = model_kind(model_name(file));
  const auto preset = file.metadata.find("preset");
  ModelSizes sizes{preset == file.metadata.end() ? "custom" : preset->second, {}};
  for (const std::string& size : kind.sizes)
    sizes.values.emplace_back(size, metadata_int(file, size.c_str()));
  const auto prior = file.metadata.find("prior");
  auto model = kind.create(
      sizes, prior == file.metadata.end() ? kind.default_prior : prior_by_name(prior->second));
  restore_tensors(model->state(), file);
  model->set_training(false);
  return model;
}

std::unique_ptr<Model> load_model(const std::filesystem::path& path) {
  return load_model(io::read_safetensors(path));
}

}  // namespace aegan
