#pragma once
#include <string>

#include "engine/io/safetensors.hpp"
#include "engine/tensor.hpp"

// Moves checkpoint tensors between host memory and the device.
namespace aegan::io {

HostTensor download(const Tensor& tensor);  // waits for the device

// A new device tensor; throws aegan::Error when the data does not match the shape.
Tensor upload(const HostTensor& host);

// Overwrites the memory of `target` (a handle, e.g. a parameter) with the checkpoint's tensor
// `name`, so every other handle to it (optimizer, module) sees the loaded values. Throws
// aegan::Error naming the checkpoint and tensor when it is missing or its shape differs.
void load_into(Tensor target, const Safetensors& file, const std::string& name);

}  // namespace aegan::io
