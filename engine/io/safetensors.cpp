#include "engine/io/safetensors.hpp"

#include <array>
#include <bit>
#include <limits>
#include <nlohmann/json.hpp>

#include "engine/error.hpp"
#include "engine/io/atomic_file.hpp"
#include "engine/io/safetensors_format.hpp"
#include "engine/tensor.hpp"

namespace aegan::io {
namespace {

using namespace safetensors_format;

// Tensor bytes go to the file as they lie in memory; the format stores IEEE floats little-endian.
static_assert(std::endian::native == std::endian::little, "a big-endian host must swap bytes");
static_assert(std::numeric_limits<float>::is_iec559 && sizeof(float) == kBytesPerF32);

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& problem) {
  throw Error("cannot write checkpoint " + path.string() + ": " + problem);
}

void check_writable(const std::filesystem::path& path, const Safetensors& file) {
  for (const auto& [name, tensor] : file.tensors) {
    if (name == kMetadataKey) fail(path, "a tensor may not be named " + quoted(name));
    const auto count = element_count(tensor.shape);
    if (!count) {
      fail(path, "tensor " + quoted(name) + " has invalid shape " + to_string(tensor.shape));
    }
    if (*count != tensor.data.size()) {
      fail(path, "tensor " + quoted(name) + " has shape " + to_string(tensor.shape) + " (" +
                     std::to_string(*count) + " elements) but " +
                     std::to_string(tensor.data.size()) + " values");
    }
  }
}

// Metadata first, then tensors by name, packed in that order: the same file for the same
// content, which keeps checkpoints comparable byte for byte.
std::string header_for(const std::filesystem::path& path, const Safetensors& file) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!file.metadata.empty()) header[kMetadataKey] = file.metadata;
  uint64_t offset = 0;
  for (const auto& [name, tensor] : file.tensors) {
    const uint64_t end = offset + tensor.data.size() * kBytesPerF32;
    header[name] = {{"dtype", "F32"}, {"shape", tensor.shape}, {"data_offsets", {offset, end}}};
    offset = end;
  }
  std::string text;
  try {
    text = header.dump();
  } catch (const nlohmann::json::exception&) {
    fail(path, "a tensor name or metadata string is not valid UTF-8");
  }
  // Spaces after the JSON are allowed by the format and put the tensor data 8-byte aligned,
  // so readers that map the file can use it in place.
  text.append((kLengthPrefixBytes - text.size() % kLengthPrefixBytes) % kLengthPrefixBytes, ' ');
  if (text.size() > kMaxHeaderBytes) fail(path, "header would exceed 100 MB");
  return text;
}

}  // namespace

const HostTensor& Safetensors::at(const std::string& name) const {
  const auto found = tensors.find(name);
  if (found == tensors.end()) {
    throw Error(checkpoint_name(source) + " has no tensor " + quoted(name));
  }
  return found->second;
}

void write_safetensors(const std::filesystem::path& path, const Safetensors& file) {
  check_writable(path, file);
  const std::string header = header_for(path, file);
  std::array<std::byte, kLengthPrefixBytes> length{};
  for (size_t i = 0; i < length.size(); ++i) {
    length[i] = static_cast<std::byte>((uint64_t{header.size()} >> (8 * i)) & 0xff);
  }
  write_file_atomically(path, [&](const ByteSink& sink) {
    sink(length);
    sink(std::as_bytes(std::span(header)));
    for (const auto& entry : file.tensors)
      sink(std::as_bytes(std::span(entry.second.data)));
  });
}

}  // namespace aegan::io
