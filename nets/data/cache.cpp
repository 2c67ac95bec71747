#include "nets/data/cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <string>
#include <utility>

#include "engine/error.hpp"

namespace aegan::data::cache {
namespace fs = std::filesystem;

namespace {

constexpr std::array<uint8_t, 8> kMagic{'A', 'E', 'G', 'A', 'N', 'S', 'E', 'T'};
// Version 2: images already at the resolution are stored as decoded, smaller ones area-averaged.
constexpr uint32_t kVersion = 2;
constexpr size_t kHeaderBytes = 40;

class Fnv1a {
 public:
  void bytes(const void* data, size_t size) {
    for (size_t i = 0; i < size; ++i) {
      hash_ ^= static_cast<const uint8_t*>(data)[i];
      hash_ *= 0x100000001B3ull;
    }
  }
  void u64(uint64_t value) {
    for (int i = 0; i < 8; ++i) {
      const auto byte = static_cast<uint8_t>(value >> (8 * i));
      bytes(&byte, 1);
    }
  }
  uint64_t value() const { return hash_; }

 private:
  uint64_t hash_ = 0xCBF29CE484222325ull;
};

void put(std::vector<uint8_t>& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

uint64_t get(const uint8_t* in, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i)
    value |= uint64_t{in[i]} << (8 * i);
  return value;
}

std::vector<uint8_t> header(const ImageOptions& options, uint64_t count, uint64_t fingerprint) {
  std::vector<uint8_t> out(kMagic.begin(), kMagic.end());
  put(out, kVersion, 4);
  put(out, static_cast<uint32_t>(options.resolution), 4);
  put(out, options.center_crop ? 1 : 0, 1);
  for (uint8_t channel : options.background)
    put(out, channel, 1);
  put(out, 0, 4);
  put(out, count, 8);
  put(out, fingerprint, 8);
  return out;
}

bool read_at(int fd, void* data, size_t bytes, int64_t offset) {
  auto* cursor = static_cast<uint8_t*>(data);
  while (bytes > 0) {
    const ssize_t got = pread(fd, cursor, bytes, static_cast<off_t>(offset));
    if (got <= 0) return false;
    cursor += got;
    bytes -= static_cast<size_t>(got);
    offset += got;
  }
  return true;
}

int64_t image_bytes(const ImageOptions& options) {
  return int64_t{options.resolution} * options.resolution * 3;
}

}  // namespace

uint64_t fingerprint(const fs::path& folder, const std::vector<fs::path>& files) {
  Fnv1a hash;
  hash.u64(files.size());
  for (const fs::path& file : files) {
    const std::string name = file.lexically_relative(folder).generic_string();
    hash.bytes(name.data(), name.size() + 1);
    std::error_code error;
    const auto size = fs::file_size(file, error);
    hash.u64(error ? ~uint64_t{0} : size);
    const auto time = fs::last_write_time(file, error);
    hash.u64(error ? 0 : static_cast<uint64_t>(time.time_since_epoch().count()));
  }
  return hash.value();
}

std::optional<Reader> Reader::open(const fs::path& file, const ImageOptions& options,
                                   uint64_t fingerprint, size_t file_count) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  Reader reader(fd, image_bytes(options), {}, file);
  const std::vector<uint8_t> expected = header(options, 0, fingerprint);
  std::array<uint8_t, kHeaderBytes> found{};
  struct stat info {};
  if (fstat(fd, &info) != 0 || !read_at(fd, found.data(), found.size(), 0)) return std::nullopt;
  // Everything but the count (bytes 24..31) must match what these options and files would write.
  if (std::memcmp(found.data(), expected.data(), 24) != 0 ||
      std::memcmp(found.data() + 32, expected.data() + 32, 8) != 0)
    return std::nullopt;
  const uint64_t count = get(found.data() + 24, 8);
  if (count == 0 || count > file_count) return std::nullopt;
  const int64_t images_end =
      static_cast<int64_t>(kHeaderBytes) + static_cast<int64_t>(count) * reader.image_bytes_;
  if (info.st_size != images_end + static_cast<int64_t>(count) * 4) return std::nullopt;
  std::vector<uint8_t> table(count * 4);
  if (!read_at(fd, table.data(), table.size(), images_end)) return std::nullopt;
  reader.sources_.resize(count);
  for (size_t i = 0; i < count; ++i) {
    reader.sources_[i] = static_cast<uint32_t>(get(table.data() + 4 * i, 4));
    if (reader.sources_[i] >= file_count || (i > 0 && reader.sources_[i] <= reader.sources_[i - 1]))
      return std::nullopt;
  }
  return reader;
}

Reader::Reader(int fd, int64_t image_bytes, std::vector<uint32_t> sources, fs::path file)
    : fd_(fd), image_bytes_(image_bytes), sources_(std::move(sources)), file_(std::move(file)) {}

Reader::Reader(Reader&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      image_bytes_(other.image_bytes_),
      sources_(std::move(other.sources_)),
      file_(std::move(other.file_)) {}

Reader& Reader::operator=(Reader&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    image_bytes_ = other.image_bytes_;
    sources_ = std::move(other.sources_);
    file_ = std::move(other.file_);
  }
  return *this;
}

Reader::~Reader() {
  if (fd_ >= 0) ::close(fd_);
}

void Reader::read(int64_t index, uint8_t* rgb) const {
  const int64_t offset = static_cast<int64_t>(kHeaderBytes) + index * image_bytes_;
  if (!read_at(fd_, rgb, static_cast<size_t>(image_bytes_), offset))
    throw Error("cannot read dataset cache " + file_.string() + " (was it changed while in use?)");
}

Writer::Writer(const fs::path& file, const ImageOptions& options, uint64_t fingerprint)
    : file_(file),
      temp_(file.string() + ".tmp" + std::to_string(getpid())),
      options_(options),
      fingerprint_(fingerprint) {
  std::error_code ignored;
  if (file.has_parent_path()) fs::create_directories(file.parent_path(), ignored);
  out_ = std::fopen(temp_.c_str(), "wb");
  if (!out_)
    throw Error("cannot write dataset cache " + temp_.string() + ": " + std::strerror(errno));
  const std::vector<uint8_t> placeholder = header(options_, 0, fingerprint_);
  write(placeholder.data(), placeholder.size());
}

Writer::~Writer() {
  if (out_) {
    std::fclose(out_);
    std::error_code ignored;
    fs::remove(temp_, ignored);
  }
}

void Writer::write(const void* data, size_t bytes) {
  if (std::fwrite(data, 1, bytes, out_) != bytes)
    throw Error("cannot write dataset cache " + temp_.string() + ": " + std::strerror(errno));
}

void Writer::add(const uint8_t* rgb, uint32_t source) {
  write(rgb, static_cast<size_t>(image_bytes(options_)));
  sources_.push_back(source);
}

void Writer::commit() {
  std::vector<uint8_t> table;
  for (uint32_t source : sources_)
    put(table, source, 4);
  write(table.data(), table.size());
  const std::vector<uint8_t> final_header = header(options_, sources_.size(), fingerprint_);
  if (std::fseek(out_, 0, SEEK_SET) != 0)
    throw Error("cannot write dataset cache " + temp_.string());
  write(final_header.data(), final_header.size());
  const bool flushed = std::fflush(out_) == 0 && fsync(fileno(out_)) == 0;
  const bool closed = std::fclose(std::exchange(out_, nullptr)) == 0;
  std::error_code error;
  if (flushed && closed) fs::rename(temp_, file_, error);
  if (!flushed || !closed || error) {
    fs::remove(temp_, error);
    throw Error("cannot write dataset cache " + file_.string());
  }
}

}  // namespace aegan::data::cache
