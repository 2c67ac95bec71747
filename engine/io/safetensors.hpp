#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

// Checkpoints in the safetensors format (https://github.com/huggingface/safetensors), so that
// weights move to and from other tools unchanged. Only F32 tensors: that is all the engine keeps.
namespace aegan::io {

struct HostTensor {
  std::vector<int64_t> shape;  // empty: a scalar, one element
  std::vector<float> data;     // row-major, one value per element of `shape`
};

struct Safetensors {
  std::map<std::string, HostTensor> tensors;
  std::map<std::string, std::string> metadata;  // the header's "__metadata__"
  std::filesystem::path source;                 // file it was read from, for messages; may be empty

  // Throws aegan::Error naming the checkpoint and the tensor when there is no such tensor.
  const HostTensor& at(const std::string& name) const;
};

// Writes atomically: the file afterwards holds the old checkpoint or the new one, never a mix.
// Throws aegan::Error if a tensor's data does not match its shape or the file cannot be written.
void write_safetensors(const std::filesystem::path& path, const Safetensors& file);

// Validates the whole file (header, dtypes, shapes, offsets) before trusting any of it; any
// problem throws aegan::Error with one line naming the file and what is wrong.
Safetensors read_safetensors(const std::filesystem::path& path);

}  // namespace aegan::io
