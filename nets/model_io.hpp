#pragma once
#include <map>
#include <string>

#include "engine/io/safetensors.hpp"
#include "nets/models/aegan/networks.hpp"
#include "nets/module.hpp"

namespace aegan {

// The model's sizes as the checkpoint's __metadata__ holds them (docs/aegan.md, "Checkpoint
// names"): "r", "es", "ec", "w", "nz" and the preset's name.
std::map<std::string, std::string> preset_metadata(const Preset& preset);
Preset preset_from_metadata(const io::Safetensors& file);
// The integer under `key` in the file's metadata; missing or not an integer is an aegan::Error.
int metadata_int(const io::Safetensors& file, const char* key);

// Appends every tensor of `tensors` under its name, downloaded from the device.
void store_tensors(const nn::NamedTensors& tensors, io::Safetensors& file);
// Uploads each tensor of `tensors` from the file's tensor of the same name; a missing tensor or
// a shape that differs is an aegan::Error naming the file and tensor.
void restore_tensors(const nn::NamedTensors& tensors, const io::Safetensors& file);

// A model as stored by training or a model file: its preset from the metadata, every tensor
// restored, eval mode.
std::unique_ptr<Aegan> load_model(const std::filesystem::path& path);

}  // namespace aegan
