#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>

#include "nets/data/image.hpp"

namespace aegan::data {

// The usable images of a folder, each obtainable as float CHW [3, r, r] in [-1, 1].
//
// Without a cache, open() checks every file's header (cheap) and load() decodes on demand. With a
// cache path, open() uses that file when it matches the folder and options, and otherwise decodes
// everything once into it: a header (magic, version, r, crop flag, background, count, fingerprint
// of the source files' relative paths, sizes and modification times), the pre-resized RGB bytes,
// then the index of each image in the sorted file list. It is written to a temporary file and
// renamed, so an interrupted build never leaves a half-written cache behind.
//
// Unusable files are named once on stderr and left out; a folder with no usable image is an
// aegan::Error.
class ImageSet {
 public:
  static ImageSet open(const std::filesystem::path& folder, const ImageOptions& options,
                       const std::filesystem::path& cache_path = {});
  ImageSet(ImageSet&&) noexcept;
  ImageSet& operator=(ImageSet&&) noexcept;
  ~ImageSet();

  int64_t size() const;
  const ImageOptions& options() const;
  const std::filesystem::path& path(int64_t index) const;
  bool from_cache() const;

  // Writes image `index` to `out` (3 * r * r floats). Returns false, after naming the file on
  // stderr the first time, when the file is damaged past its header. Safe to call from any thread.
  bool load(int64_t index, float* out) const;

 private:
  struct State;
  explicit ImageSet(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace aegan::data
