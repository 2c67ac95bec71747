#include "nets/model_io.hpp"

#include <charconv>

#include "engine/error.hpp"

namespace aegan {

int metadata_int(const io::Safetensors& file, const char* key) {
  return metadata_int(file.metadata, key, file.source.string());
}

int metadata_int(const std::map<std::string, std::string>& metadata, const char* key,
                 const std::string& source) {
  const auto it = metadata.find(key);
  int value = 0;
  if (it == metadata.end()) {
    throw Error(source + ": not an aegan-vk checkpoint (no '" + key + "' in its metadata)");
  }
  const std::string& text = it->second;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw Error(source + ": metadata '" + key + "' is not an integer: " + text);
  }
  return value;
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

}  // namespace aegan
