#include "nets/models/registry.hpp"

#include "engine/error.hpp"
#include "nets/model_io.hpp"
#include "nets/models/aegan/model.hpp"
#include "nets/models/dcgan/model.hpp"
#include "nets/models/degan/model.hpp"
#include "nets/models/denoiser/model.hpp"
#include "nets/models/stackgan/model.hpp"

namespace aegan {

const std::vector<ModelKind>& model_kinds() {
  static const std::vector<ModelKind> kinds = {aegan_kind(), dcgan::dcgan_kind(),
                                               degan::degan_kind(), stackgan::stackgan_kind(),
                                               denoiser::denoiser_kind()};
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
                                    std::optional<Prior> prior, std::unique_ptr<Model> generator) {
  const ModelKind& kind = model_kind(name);
  if (!kind.on_generator) {
    if (generator) throw Error("--generator is for the denoiser, not for " + name);
    return kind.create(sizes, prior.value_or(kind.default_prior), nullptr);
  }
  if (!generator) {
    throw Error(name +
                " trains on a frozen generator: give --generator RUN/checkpoint.safetensors");
  }
  if (prior && *prior != generator->prior()) {
    throw Error(std::string("the generator draws z from the ") + prior_name(generator->prior()) +
                " prior; --prior " + prior_name(*prior) + " does not apply to " + name);
  }
  const Prior own = generator->prior();
  return kind.create(sizes, own, std::move(generator));
}

std::string model_name(const io::Safetensors& file) {
  const auto it = file.metadata.find("model");
  return it == file.metadata.end() ? "aegan" : it->second;
}

std::unique_ptr<Model> build_model(const std::map<std::string, std::string>& metadata,
                                   const std::string& source) {
  const auto name = metadata.find("model");
  const ModelKind& kind = model_kind(name == metadata.end() ? "aegan" : name->second);
  const auto preset = metadata.find("preset");
  ModelSizes sizes{preset == metadata.end() ? "custom" : preset->second, {}};
  for (const std::string& size : kind.sizes)
    sizes.values.emplace_back(size, metadata_int(metadata, size.c_str(), source));
  const auto prior = metadata.find("prior");
  const Prior own = prior == metadata.end() ? kind.default_prior : prior_by_name(prior->second);
  if (!kind.on_generator) return kind.create(sizes, own, nullptr);
  std::map<std::string, std::string> generator;
  const std::string prefix = kGeneratorPrefix;
  for (const auto& [key, value] : metadata) {
    if (key.starts_with(prefix)) generator.emplace(key.substr(prefix.size()), value);
  }
  if (generator.empty()) throw Error(source + ": a " + kind.name + " without its generator");
  return kind.create(sizes, own, build_model(generator, source));
}

std::unique_ptr<Model> load_model(const io::Safetensors& file) {
  auto model = build_model(file.metadata, file.source.string());
  restore_tensors(model->state(), file);
  model->set_training(false);
  return model;
}

std::unique_ptr<Model> load_model(const std::filesystem::path& path) {
  return load_model(io::read_safetensors(path));
}

}  // namespace aegan
