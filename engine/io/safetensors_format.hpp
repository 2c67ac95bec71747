#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

// Details of the safetensors layout shared by the reader and the writer; not part of the API.
namespace aegan::io::safetensors_format {

// The reference implementation refuses larger headers too, so no valid file needs more, and a
// corrupt length cannot make us allocate gigabytes.
inline constexpr uint64_t kMaxHeaderBytes = 100'000'000;
inline constexpr uint64_t kLengthPrefixBytes = 8;
inline constexpr char kMetadataKey[] = "__metadata__";
inline constexpr uint64_t kBytesPerF32 = 4;

// Element count of `shape`, or nothing when a dimension is negative or the count of bytes
// overflows 64 bits.
std::optional<uint64_t> element_count(std::span<const int64_t> shape);

// Text from a file, made safe for a one-line message: control characters replaced, cut short
// when long (a corrupt header can hold megabytes in one string).
std::string printable(const std::string& text);

// A name from a file, printable and in quotes.
std::string quoted(const std::string& text);

// "checkpoint <path>", or just "checkpoint" for one not read from a file.
std::string checkpoint_name(const std::filesystem::path& source);

}  // namespace aegan::io::safetensors_format
