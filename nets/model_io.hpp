#pragma once
#include <map>
#include <string>

#include "engine/io/safetensors.hpp"
#include "nets/module.hpp"

namespace aegan {

// The integer under `key` in the file's metadata; missing or not an integer is an aegan::Error.
int metadata_int(const io::Safetensors& file, const char* key);

// Appends every tensor of `tensors` under its name, downloaded from the device.
void store_tensors(const nn::NamedTensors& tensors, io::Safetensors& file);
// Uploads each tensor of `tensors` from the file's tensor of the same name; a missing tensor or
// a shape that differs is an aegan::Error naming the file and tensor.
void restore_tensors(const nn::NamedTensors& tensors, const io::Safetensors& file);

}  // namespace aegan
