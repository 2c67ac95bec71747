#include "nets/data/image_set.hpp"

#include <iostream>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/error.hpp"
#include "nets/data/cache.hpp"

namespace aegan::data {
namespace fs = std::filesystem;

namespace {

// `problem` starts with the file's name.
void report_skip(const std::string& problem) {
  std::cerr << "aegan-vk: skipping " << problem << '\n';
}

}  // namespace

struct ImageSet::State {
  ImageOptions options;
  std::vector<fs::path> paths;
  std::optional<cache::Reader> cache;
  mutable std::mutex mutex;
  mutable std::set<int64_t> reported;
};

ImageSet ImageSet::open(const fs::path& folder, const ImageOptions& options,
                        const fs::path& cache_path) {
  if (options.resolution < 1 || options.resolution > kMaxImageSide)
    throw Error("image resolution " + std::to_string(options.resolution) + " is out of range");
  const std::vector<fs::path> files = scan_image_files(folder);
  if (files.empty())
    throw Error("no image files (png, jpg, jpeg, bmp, tga) in data folder " + folder.string());
  const auto no_usable = [&] {
    return Error("no usable image in data folder " + folder.string() + " (all " +
                 std::to_string(files.size()) + " image files are unreadable)");
  };

  auto state = std::make_unique<State>();
  state->options = options;
  if (cache_path.empty()) {
    for (const fs::path& file : files) {
      if (auto problem = check_image_header(file))
        report_skip(file.string() + ": " + *problem);
      else
        state->paths.push_back(file);
    }
    if (state->paths.empty()) throw no_usable();
    return ImageSet(std::move(state));
  }

  const uint64_t fingerprint = cache::fingerprint(folder, files);
  state->cache = cache::Reader::open(cache_path, options, fingerprint, files.size());
  if (!state->cache) {
    std::cerr << "aegan-vk: building dataset cache " << cache_path.string() << " from "
              << files.size() << " files\n";
    cache::Writer writer(cache_path, options, fingerprint);
    bool any = false;
    for (size_t i = 0; i < files.size(); ++i) {
      if (auto problem = check_image_header(files[i])) {
        report_skip(files[i].string() + ": " + *problem);
        continue;
      }
      try {
        writer.add(load_image_rgb(files[i], options).data(), static_cast<uint32_t>(i));
        any = true;
      } catch (const Error& error) {
        report_skip(error.what());
      }
    }
    if (!any) throw no_usable();
    writer.commit();
    state->cache = cache::Reader::open(cache_path, options, fingerprint, files.size());
    if (!state->cache) throw Error("dataset cache " + cache_path.string() + " did not read back");
  }
  for (uint32_t source : state->cache->sources())
    state->paths.push_back(files[source]);
  return ImageSet(std::move(state));
}

ImageSet::ImageSet(std::unique_ptr<State> state) : state_(std::move(state)) {}
ImageSet::ImageSet(ImageSet&&) noexcept = default;
ImageSet& ImageSet::operator=(ImageSet&&) noexcept = default;
ImageSet::~ImageSet() = default;

int64_t ImageSet::size() const {
  return static_cast<int64_t>(state_->paths.size());
}
const ImageOptions& ImageSet::options() const {
  return state_->options;
}
const fs::path& ImageSet::path(int64_t index) const {
  return state_->paths.at(static_cast<size_t>(index));
}
bool ImageSet::from_cache() const {
  return state_->cache.has_value();
}

bool ImageSet::load(int64_t index, float* out) const {
  const int64_t pixels = int64_t{state_->options.resolution} * state_->options.resolution;
  if (state_->cache) {
    std::vector<uint8_t> rgb(static_cast<size_t>(pixels) * 3);
    state_->cache->read(index, rgb.data());
    rgb_to_chw(rgb.data(), pixels, out);
    return true;
  }
  try {
    rgb_to_chw(load_image_rgb(path(index), state_->options).data(), pixels, out);
    return true;
  } catch (const Error& error) {
    const std::lock_guard lock(state_->mutex);
    if (state_->reported.insert(index).second) report_skip(error.what());
    return false;
  }
}

}  // namespace aegan::data
