#include "engine/io/tensor_transfer.hpp"

#include "engine/error.hpp"
#include "engine/io/safetensors_format.hpp"

namespace aegan::io {

using safetensors_format::checkpoint_name;
using safetensors_format::quoted;

HostTensor download(const Tensor& tensor) {
  return {.shape = tensor.shape(), .data = tensor.to_host()};
}

Tensor upload(const HostTensor& host) {
  return Tensor::from_host(host.shape, host.data);
}

void load_into(Tensor target, const Safetensors& file, const std::string& name) {
  const HostTensor& host = file.at(name);
  if (host.shape != target.shape()) {
    throw Error(checkpoint_name(file.source) + ": tensor " + quoted(name) + " has shape " +
                to_string(host.shape) + ", expected " + to_string(target.shape()));
  }
  target.upload(host.data);
}

}  // namespace aegan::io
