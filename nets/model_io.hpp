#pragma once
#include <map>
#include <string>

#include "engine/io/safetensors.hpp"
#include "nets/module.hpp"

namespace aegan {

// The integer under `key` in the file's metadata; missing or not an integer is an aegan::Error
// naming the file (`source`).
int metadata_int(const io::Safetensors& file, const char* key);
int metadata_int(const std::map<std::string, std::string>& metadata, const char* key,
                 const std::string& source);

// Appends every tensor of `tensors` under its name, downloaded from the device.
void store_tensors(const nn::NamedTensors& tensors, io::Safetensors& file);
// Uploads each tensor of `tensors` from the file's tensor of the same name; a missing tensor or
// a shape that differs is an aegan::Error naming the file and tensor.
void restore_tensors(const nn::NamedTensors& tensors, const io::Safetensors& file);

}  // namespace aegan
