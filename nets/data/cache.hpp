#pragma once
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <vector>

#include "nets/data/image.hpp"

// The dataset cache file behind ImageSet (layout described in image_set.hpp). All integers are
// little-endian so a cache is valid on any machine that built it.
namespace aegan::data::cache {

// FNV-1a over each file's path relative to `folder`, size and modification time: any added,
// removed, renamed, resized or touched file changes it.
uint64_t fingerprint(const std::filesystem::path& folder,
                     const std::vector<std::filesystem::path>& files);

// An open cache that matched the expected options and fingerprint.
class Reader {
 public:
  // nullopt when the file is missing, damaged or made for other options or other files.
  static std::optional<Reader> open(const std::filesystem::path& file, const ImageOptions& options,
                                    uint64_t fingerprint, size_t file_count);
  Reader(Reader&& other) noexcept;
  Reader& operator=(Reader&& other) noexcept;
  ~Reader();

  // Index of each cached image in the sorted file list.
  const std::vector<uint32_t>& sources() const { return sources_; }
  // Reads cached image `index` (r * r * 3 bytes); thread-safe (positioned reads).
  void read(int64_t index, uint8_t* rgb) const;

 private:
  Reader(int fd, int64_t image_bytes, std::vector<uint32_t> sources, std::filesystem::path file);
  int fd_ = -1;
  int64_t image_bytes_ = 0;
  std::vector<uint32_t> sources_;
  std::filesystem::path file_;
};

// Streams images into a temporary file next to `file`; commit() renames it into place, and
// destruction without commit() deletes it.
class Writer {
 public:
  Writer(const std::filesystem::path& file, const ImageOptions& options, uint64_t fingerprint);
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  ~Writer();

  void add(const uint8_t* rgb, uint32_t source);
  void commit();

 private:
  void write(const void* data, size_t bytes);
  std::filesystem::path file_;
  std::filesystem::path temp_;
  ImageOptions options_;
  uint64_t fingerprint_;
  std::FILE* out_ = nullptr;
  std::vector<uint32_t> sources_;
};

}  // namespace aegan::data::cache
