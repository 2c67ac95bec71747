#include "engine/io/safetensors_format.hpp"

#include <limits>

namespace aegan::io::safetensors_format {

std::optional<uint64_t> element_count(std::span<const int64_t> shape) {
  for (const int64_t dimension : shape) {
    if (dimension < 0) return std::nullopt;
    // A zero dimension empties the tensor, however large the others are.
    if (dimension == 0) return 0;
  }
  constexpr uint64_t kMaxElements = std::numeric_limits<uint64_t>::max() / kBytesPerF32;
  uint64_t count = 1;
  for (const int64_t dimension : shape) {
    const auto d = static_cast<uint64_t>(dimension);
    if (count > kMaxElements / d) return std::nullopt;
    count *= d;
  }
  return count;
}

std::string printable(const std::string& text) {
  constexpr size_t kMaxShown = 200;
  std::string result;
  for (size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    result += (c < 0x20 || c == 0x7f) ? '?' : text[i];
  }
  if (text.size() > kMaxShown) result += "...";
  return result;
}

std::string quoted(const std::string& text) {
  // Appending, not "'" + printable(text): GCC 12 warns falsely (-Wrestrict) on that operator+.
  std::string result(1, '\'');
  result += printable(text);
  result += '\'';
  return result;
}

std::string checkpoint_name(const std::filesystem::path& source) {
  return source.empty() ? "checkpoint" : "checkpoint " + source.string();
}

}  // namespace aegan::io::safetensors_format
