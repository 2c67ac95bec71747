#include "nets/model_io.hpp"

#include <charconv>

#include "engine/error.hpp"

namespace aegan {

int metadata_int(const io::Safetensors& file, const char* key) {
  const auto it = file.metadata.find(key);
  int value = 0;
  if (it == file.metadata.end()) {
    throw Error(file.source.string() + ": not an aegan-vk checkpoint (no '" + key +
                "' in its metadata)");
  }
  const std::string& text = it->second;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw Error(file.source.string() + ": metadata '" + key + "' is not an integer: " + text);
  }
  return value;
}

std::map<std::string, std::string> preset_metadata(const Preset& p) {
  return {{"preset", p.name},           {"r", std::to_string(p.r)}, {"es", std::to_string(p.es)},
          {"ec", std::to_string(p.ec)}, {"w", std::to_string(p.w)}, {"nz", std::to_string(p.nz)}};
}

Preset preset_from_metadata(const io::Safetensors& file) {
  const auto name = file.metadata.find("preset");
  return {name == file.metadata.end() ? "custom" : name->second,
          metadata_int(file, "r"),
          metadata_int(file, "es"),
          metadata_int(file, "ec"),
          metadata_int(file, "w"),
          metadata_int(file, "nz")};
}

void store_tensors(const nn::NamedTensors& tensors, io::Safetensors& file) {
  for (const auto& [name, tensor] : tensors) {
    file.tensors[name] = io::HostTensor{tensor.shape(), tensor.to_host()};
  }
}

void restore_tensors(const nn::NamedTensors& tensors, const io::Safetensors& file) {
  for (const auto& [name, tensor] : tensors) {
    const io::HostTensor& stored = file.at(name);
    if (stored.shape != tensor.shape()) {
      throw Error(file.source.string() + ": tensor '" + name + "' has shape " +
                  to_string(stored.shape) + ", the model needs " + to_string(tensor.shape()));
    }
    Tensor target = tensor;
    target.upload(stored.data);
  }
}

std::unique_ptr<Aegan> load_model(const std::filesystem::path& path) {
  const io::Safetensors file = io::read_safetensors(path);
  auto model = std::make_unique<Aegan>(preset_from_metadata(file));
  restore_tensors(model->state(), file);
  model->set_training(false);
  return model;
}

}  // namespace aegan
