#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cerrno>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <system_error>

#include "engine/error.hpp"
#include "engine/io/safetensors.hpp"
#include "engine/io/safetensors_format.hpp"
#include "engine/tensor.hpp"

namespace aegan::io {
namespace {

using namespace safetensors_format;
using nlohmann::json;

// Tensor data is read straight into floats; the format stores IEEE floats little-endian.
static_assert(std::endian::native == std::endian::little, "a big-endian host must swap bytes");

struct Entry {
  std::string name;
  std::vector<int64_t> shape;
  uint64_t elements = 0;
  uint64_t begin = 0;
  uint64_t end = 0;
};

// Closed on every exit, including from a Reader constructor that throws (which runs no
// Reader destructor, only those of its finished members).
struct OwnedFd {
  int fd = -1;
  OwnedFd() = default;
  OwnedFd(const OwnedFd&) = delete;
  OwnedFd& operator=(const OwnedFd&) = delete;
  ~OwnedFd() {
    if (fd >= 0) ::close(fd);
  }
};

// Reads one file; every method either succeeds or throws an Error naming the file.
class Reader {
 public:
  explicit Reader(std::filesystem::path path) : path_(std::move(path)) {
    file_.fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (file_.fd < 0) fail("cannot open: " + std::generic_category().message(errno));
    struct stat info {};
    if (::fstat(file_.fd, &info) != 0) {
      fail("cannot stat: " + std::generic_category().message(errno));
    }
    if (!S_ISREG(info.st_mode)) fail("not a regular file");
    size_ = static_cast<uint64_t>(info.st_size);
  }

  Safetensors read();

 private:
  [[noreturn]] void fail(const std::string& problem) const {
    throw Error("checkpoint " + path_.string() + ": " + problem);
  }
  void read_exact(uint64_t offset, void* destination, uint64_t bytes) const;
  json read_header();
  json::parser_callback_t header_guard() const;
  std::map<std::string, std::string> parse_metadata(const json& value) const;
  uint64_t parse_count(const json& value, const std::string& what) const;
  Entry parse_entry(const std::string& name, const json& value, uint64_t data_bytes) const;
  void check_packed(std::vector<Entry>& entries, uint64_t data_bytes) const;

  std::filesystem::path path_;
  OwnedFd file_;
  uint64_t size_ = 0;
  uint64_t data_start_ = 0;
};

void Reader::read_exact(uint64_t offset, void* destination, uint64_t bytes) const {
  auto* out = static_cast<char*>(destination);
  while (bytes > 0) {
    const ssize_t got = ::pread(file_.fd, out, bytes, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) fail("read failed: " + std::generic_category().message(errno));
    // Sizes were checked against fstat, so only a file changed under us ends early.
    if (got == 0) fail("file ended early (changed while reading?)");
    out += got;
    offset += static_cast<uint64_t>(got);
    bytes -= static_cast<uint64_t>(got);
  }
}

// Checks made while parsing, because the parsed value can no longer show them: a repeated key
// (nlohmann keeps the last, which would silently drop a tensor) and nesting deeper than a valid
// header's object -> tensor -> shape, which would let a corrupt file build huge useless trees.
json::parser_callback_t Reader::header_guard() const {
  constexpr int kMaxContainerDepth = 2;
  auto keys = std::make_shared<std::vector<std::set<std::string>>>();
  return [this, keys](int depth, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        if (depth > kMaxContainerDepth) fail("header nests deeper than a safetensors header");
        if (event == json::parse_event_t::object_start) keys->emplace_back();
        break;
      case json::parse_event_t::object_end:
        keys->pop_back();
        break;
      case json::parse_event_t::key: {
        const auto& key = parsed.get_ref<const std::string&>();
        if (!keys->back().insert(key).second) {
          const bool tensor = depth == 1 && key != kMetadataKey;
          fail("header lists " + std::string(tensor ? "tensor " : "") + quoted(key) + " twice");
        }
        break;
      }
      default:
        break;
    }
    return true;
  };
}

json Reader::read_header() {
  if (size_ < kLengthPrefixBytes) {
    fail("file is " + std::to_string(size_) + " bytes, too short for a safetensors header");
  }
  unsigned char prefix[kLengthPrefixBytes];
  read_exact(0, prefix, sizeof prefix);
  uint64_t length = 0;
  for (size_t i = 0; i < kLengthPrefixBytes; ++i)
    length |= uint64_t{prefix[i]} << (8 * i);
  if (length > kMaxHeaderBytes) {
    fail("header length " + std::to_string(length) + " exceeds the 100 MB limit (corrupt file?)");
  }
  if (length > size_ - kLengthPrefixBytes) {
    fail("header length " + std::to_string(length) + " exceeds the file size " +
         std::to_string(size_) + " (truncated file?)");
  }
  std::string text(length, '\0');
  read_exact(kLengthPrefixBytes, text.data(), length);
  data_start_ = kLengthPrefixBytes + length;
  // nlohmann stops at a NUL byte as if the input ended there, so it would accept NUL padding or
  // anything after it; JSON has no raw NUL anywhere, and the format pads only with spaces.
  if (const size_t nul = text.find('\0'); nul != std::string::npos) {
    fail("header is not valid JSON: NUL byte at header offset " + std::to_string(nul));
  }
  json header;
  try {
    header = json::parse(text, header_guard());
  } catch (const json::exception& e) {
    // nlohmann's message is one line; it says where the JSON went wrong.
    fail("header is not valid JSON: " + printable(e.what()));
  }
  if (!header.is_object()) fail("header is not a JSON object");
  return header;
}

std::map<std::string, std::string> Reader::parse_metadata(const json& value) const {
  if (!value.is_object()) fail("__metadata__ is not an object of strings");
  std::map<std::string, std::string> metadata;
  for (const auto& [key, item] : value.items()) {
    if (!item.is_string()) fail("metadata " + quoted(key) + " is not a string");
    metadata.emplace(key, item.get<std::string>());
  }
  return metadata;
}

uint64_t Reader::parse_count(const json& value, const std::string& what) const {
  // Floats, negatives and non-numbers all differ from number_unsigned in nlohmann's parse.
  if (!value.is_number_unsigned()) fail(what + " must be a non-negative integer");
  return value.get<uint64_t>();
}

Entry Reader::parse_entry(const std::string& name, const json& value, uint64_t data_bytes) const {
  const std::string tensor = "tensor " + quoted(name);
  if (!value.is_object()) fail(tensor + " is not a JSON object");
  for (const char* field : {"dtype", "shape", "data_offsets"}) {
    if (!value.contains(field)) fail(tensor + " has no " + field);
  }
  const json& dtype = value["dtype"];
  if (!dtype.is_string()) fail(tensor + " has a dtype that is not a string");
  if (dtype != "F32") {
    const auto& name_of_dtype = dtype.get_ref<const std::string&>();
    const bool plain = name_of_dtype.size() <= 16 &&
                       std::all_of(name_of_dtype.begin(), name_of_dtype.end(), [](char c) {
                         return std::isalnum(static_cast<unsigned char>(c)) != 0;
                       });
    fail(tensor + " has dtype " + (plain ? name_of_dtype : quoted(name_of_dtype)) +
         ", only F32 is supported");
  }

  Entry entry{.name = name};
  const json& shape = value["shape"];
  if (!shape.is_array()) fail(tensor + " has a shape that is not an array");
  for (const json& dimension : shape) {
    const uint64_t d = parse_count(dimension, tensor + " shape entries");
    if (d > uint64_t{std::numeric_limits<int64_t>::max()}) fail(tensor + " has a huge dimension");
    entry.shape.push_back(static_cast<int64_t>(d));
  }
  const auto elements = element_count(entry.shape);
  if (!elements) fail(tensor + " has too many elements: shape " + to_string(entry.shape));
  entry.elements = *elements;

  const json& offsets = value["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2) {
    fail(tensor + " data_offsets is not a [begin, end] pair");
  }
  entry.begin = parse_count(offsets[0], tensor + " data_offsets");
  entry.end = parse_count(offsets[1], tensor + " data_offsets");
  const std::string range =
      " data_offsets [" + std::to_string(entry.begin) + ", " + std::to_string(entry.end) + "]";
  if (entry.end < entry.begin) fail(tensor + range + " end before begin");
  if (entry.end - entry.begin != entry.elements * kBytesPerF32) {
    fail(tensor + range + " hold " + std::to_string(entry.end - entry.begin) + " bytes but shape " +
         to_string(entry.shape) + " needs " + std::to_string(entry.elements * kBytesPerF32));
  }
  if (entry.end > data_bytes) {
    fail(tensor + range + " reach past the end of the data (" + std::to_string(data_bytes) +
         " bytes; truncated file?)");
  }
  return entry;
}

// The format requires the tensors to tile the data exactly; anything else means a corrupt
// header, and overlapping tensors would silently alias each other's weights.
void Reader::check_packed(std::vector<Entry>& entries, uint64_t data_bytes) const {
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t cursor = 0;
  const Entry* previous = nullptr;
  for (const Entry& entry : entries) {
    if (entry.begin < cursor) {
      fail("tensor " + quoted(entry.name) + " overlaps tensor " + quoted(previous->name));
    }
    if (entry.begin > cursor) {
      fail("unused bytes " + std::to_string(cursor) + " to " + std::to_string(entry.begin) +
           " before tensor " + quoted(entry.name));
    }
    cursor = entry.end;
    previous = &entry;
  }
  if (cursor != data_bytes) {
    fail(std::to_string(data_bytes - cursor) + " unused bytes after the last tensor");
  }
}

Safetensors Reader::read() {
  const json header = read_header();
  const uint64_t data_bytes = size_ - data_start_;
  Safetensors file;
  file.source = path_;
  std::vector<Entry> entries;
  for (const auto& [name, value] : header.items()) {
    if (name == kMetadataKey) {
      file.metadata = parse_metadata(value);
    } else {
      entries.push_back(parse_entry(name, value, data_bytes));
    }
  }
  check_packed(entries, data_bytes);
  // Only now, with every size checked against the file, is allocating the data safe.
  for (const Entry& entry : entries) {
    HostTensor tensor{.shape = entry.shape, .data = std::vector<float>(entry.elements)};
    read_exact(data_start_ + entry.begin, tensor.data.data(), entry.end - entry.begin);
    file.tensors.emplace(entry.name, std::move(tensor));
  }
  return file;
}

}  // namespace

Safetensors read_safetensors(const std::filesystem::path& path) {
  return Reader(path).read();
}

}  // namespace aegan::io
