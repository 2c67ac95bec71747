#include "engine/io/safetensors.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <limits>
#include <random>

#include "engine/error.hpp"
#include "tests/engine/io/io_testing.hpp"

namespace aegan::io {
namespace {

using testing::read_bytes;
using testing::TempDir;
using testing::throws_error_mentioning;
using testing::write_bytes;

std::string u64_le(uint64_t value) {
  std::string bytes;
  for (int i = 0; i < 8; ++i)
    bytes += static_cast<char>((value >> (8 * i)) & 0xff);
  return bytes;
}

std::string f32_le(std::initializer_list<float> values) {
  std::string bytes;
  for (const float value : values) {
    const auto bits = std::bit_cast<uint32_t>(value);
    for (int i = 0; i < 4; ++i)
      bytes += static_cast<char>((bits >> (8 * i)) & 0xff);
  }
  return bytes;
}

// A file as another writer might make it: any header text, any data.
std::string file_with(const std::string& header, const std::string& data) {
  return u64_le(header.size()) + header + data;
}

std::vector<uint32_t> bits_of(const std::vector<float>& values) {
  std::vector<uint32_t> bits;
  for (const float value : values)
    bits.push_back(std::bit_cast<uint32_t>(value));
  return bits;
}

float from_bits(uint32_t bits) {
  return std::bit_cast<float>(bits);
}

Safetensors sample_checkpoint() {
  Safetensors file;
  file.metadata = {{"format", "pt"}, {"step", "1200"}, {"note", "caf\xc3\xa9 \xe2\x9c\x93"}};
  file.tensors["scalar"] = {{}, {from_bits(0x7fc01234)}};  // NaN with a payload
  file.tensors["one"] = {{1}, {-0.0f}};
  file.tensors["empty"] = {{0, 3}, {}};
  std::vector<float> specials = {
      std::numeric_limits<float>::infinity(),       -std::numeric_limits<float>::infinity(),
      std::numeric_limits<float>::denorm_min(),     -std::numeric_limits<float>::denorm_min(),
      from_bits(0x007fffff) /* largest denormal */, std::numeric_limits<float>::max(),
      std::numeric_limits<float>::lowest(),         from_bits(0xffc00000) /* negative NaN */,
      from_bits(0x7f800001) /* signalling NaN */,   1.0f / 3.0f};
  std::vector<float> image(2 * 3 * 4 * 5);
  for (size_t i = 0; i < image.size(); ++i) {
    image[i] = i < specials.size() ? specials[i] : static_cast<float>(i) * 0.37f - 11.0f;
  }
  file.tensors["image"] = {{2, 3, 4, 5}, image};
  return file;
}

void expect_same(const Safetensors& actual, const Safetensors& expected) {
  EXPECT_EQ(actual.metadata, expected.metadata);
  ASSERT_EQ(actual.tensors.size(), expected.tensors.size());
  for (const auto& [name, tensor] : expected.tensors) {
    const HostTensor& read = actual.at(name);
    EXPECT_EQ(read.shape, tensor.shape) << name;
    // Bit patterns, not values: NaN != NaN, and -0 == 0 would hide a lost sign.
    EXPECT_EQ(bits_of(read.data), bits_of(tensor.data)) << name;
  }
}

// Writes `bytes` as a file in `dir` and expects reading it to fail naming the file and every part.
::testing::AssertionResult rejects_in(const TempDir& dir, const std::string& bytes,
                                      const std::vector<std::string>& parts) {
  const auto path = dir / "bad.safetensors";
  write_bytes(path, bytes);
  std::vector<std::string> expected = parts;
  expected.push_back(path.string());
  return throws_error_mentioning([&] { read_safetensors(path); }, expected);
}

::testing::AssertionResult rejects(const std::string& bytes,
                                   const std::vector<std::string>& parts) {
  return rejects_in(TempDir(), bytes, parts);
}

std::string tensor_json(const std::string& name, const std::string& dtype, const std::string& shape,
                        const std::string& offsets) {
  return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape +
         ",\"data_offsets\":" + offsets + "}";
}

TEST(Safetensors, RoundTripKeepsShapesMetadataAndExactBits) {
  TempDir dir;
  const Safetensors original = sample_checkpoint();
  write_safetensors(dir / "model.safetensors", original);
  const Safetensors read = read_safetensors(dir / "model.safetensors");
  expect_same(read, original);
  EXPECT_EQ(read.source, dir / "model.safetensors");
}

TEST(Safetensors, EmptyCheckpointRoundTrips) {
  TempDir dir;
  write_safetensors(dir / "empty.safetensors", Safetensors{});
  EXPECT_EQ(read_bytes(dir / "empty.safetensors"), u64_le(8) + "{}      ");
  const Safetensors read = read_safetensors(dir / "empty.safetensors");
  EXPECT_TRUE(read.tensors.empty());
  EXPECT_TRUE(read.metadata.empty());
}

// The layout of the public spec, byte for byte, so other tools (Python safetensors, Rust
// candle) read our checkpoints: u64 LE header length, JSON header padded with spaces to 8 bytes,
// then the tensors packed back to back as little-endian floats. `python3 -c "import json,struct;
// b=open(p,'rb').read(); n=struct.unpack('<Q',b[:8])[0]; print(json.loads(b[8:8+n]))"` reads it.
TEST(Safetensors, WritesTheLayoutOfThePublicSpec) {
  TempDir dir;
  Safetensors file;
  file.metadata["format"] = "pt";
  file.tensors["b"] = {{2, 1}, {1.0f, -2.0f}};
  file.tensors["a"] = {{}, {0.5f}};
  write_safetensors(dir / "tiny.safetensors", file);

  const std::string header = R"({"__metadata__":{"format":"pt"},)"
                             R"("a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},)"
                             R"("b":{"dtype":"F32","shape":[2,1],"data_offsets":[4,12]}})"
                             "    ";  // 140 bytes of JSON, padded to 144
  const std::string expected = std::string("\x90\0\0\0\0\0\0\0", 8) + header +
                               std::string("\x00\x00\x00\x3f", 4) +  // 0.5
                               std::string("\x00\x00\x80\x3f", 4) +  // 1.0
                               std::string("\x00\x00\x00\xc0", 4);   // -2.0
  EXPECT_EQ(read_bytes(dir / "tiny.safetensors"), expected);
}

TEST(Safetensors, ReadsFilesFromOtherWriters) {
  // No padding, no metadata, fields and tensors in another order, data not in name order,
  // whitespace: all allowed by the spec.
  const std::string header = R"( { "b" : {"data_offsets":[0,8], "shape":[2], "dtype":"F32"},)"
                             R"( "a": {"shape":[1,1],"dtype":"F32","data_offsets":[8,12]},)"
                             R"( "z": {"dtype":"F32","shape":[0],"data_offsets":[12,12]} } )";
  TempDir dir;
  write_bytes(dir / "other.safetensors", file_with(header, f32_le({1.5f, -2.5f, 7.0f})));
  const Safetensors read = read_safetensors(dir / "other.safetensors");
  EXPECT_TRUE(read.metadata.empty());
  EXPECT_EQ(read.at("b").shape, (std::vector<int64_t>{2}));
  EXPECT_EQ(read.at("b").data, (std::vector<float>{1.5f, -2.5f}));
  EXPECT_EQ(read.at("a").shape, (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(read.at("a").data, (std::vector<float>{7.0f}));
  EXPECT_TRUE(read.at("z").data.empty());
}

TEST(Safetensors, ManyTensorsWithoutMetadataRoundTrip) {
  Safetensors original;
  std::mt19937 random(7);
  for (int i = 0; i < 300; ++i) {
    std::vector<int64_t> shape;
    for (int d = 0; d < i % 5; ++d)
      shape.push_back(static_cast<int64_t>(random() % 4));
    int64_t elements = 1;
    for (const int64_t d : shape)
      elements *= d;
    std::vector<float> data(static_cast<size_t>(elements));
    for (float& value : data)
      value = static_cast<float>(random()) / 65536.0f - 30000.0f;
    original.tensors["layer" + std::to_string(i) + ".weight"] = {shape, data};
  }
  TempDir dir;
  write_safetensors(dir / "many.safetensors", original);
  expect_same(read_safetensors(dir / "many.safetensors"), original);
  EXPECT_EQ(dir.names(), std::vector<std::string>{"many.safetensors"});
}

TEST(Safetensors, AtNamesCheckpointAndMissingTensor) {
  TempDir dir;
  write_safetensors(dir / "model.safetensors", sample_checkpoint());
  const Safetensors read = read_safetensors(dir / "model.safetensors");
  EXPECT_TRUE(throws_error_mentioning(
      [&] { read.at("generator.conv9.weight"); },
      {(dir / "model.safetensors").string(), "has no tensor 'generator.conv9.weight'"}));
}

TEST(Safetensors, TruncatedAtEveryLengthThrows) {
  TempDir dir;
  write_safetensors(dir / "full.safetensors", sample_checkpoint());
  const std::string full = read_bytes(dir / "full.safetensors");
  for (size_t length = 0; length < full.size(); ++length) {
    EXPECT_TRUE(rejects_in(dir, full.substr(0, length), {})) << "truncated to " << length;
  }
}

// Whatever the damage, reading either succeeds with consistent tensors or throws aegan::Error:
// no crash, no other exception, no out-of-bounds read (run under ASan to see the last).
TEST(Safetensors, RandomCorruptionNeverCrashes) {
  TempDir dir;
  write_safetensors(dir / "good.safetensors", sample_checkpoint());
  const std::string good = read_bytes(dir / "good.safetensors");
  const size_t header_end = 8 + static_cast<size_t>(static_cast<unsigned char>(good[0])) +
                            256 * static_cast<size_t>(static_cast<unsigned char>(good[1]));
  std::mt19937 random(1234);
  for (int trial = 0; trial < 2000; ++trial) {
    std::string bad = good;
    const int changes = 1 + trial % 4;
    for (int i = 0; i < changes; ++i) {
      // Mostly the header, where corruption changes meaning rather than values.
      const size_t end = trial % 5 == 0 ? bad.size() : header_end;
      bad[random() % end] = static_cast<char>(random() % 256);
    }
    write_bytes(dir / "bad.safetensors", bad);
    try {
      const Safetensors read = read_safetensors(dir / "bad.safetensors");
      for (const auto& [name, tensor] : read.tensors) {
        int64_t elements = 1;
        for (const int64_t d : tensor.shape)
          elements *= d;
        EXPECT_EQ(tensor.data.size(), static_cast<size_t>(elements)) << name;
      }
    } catch (const Error&) {
    } catch (const std::exception& e) {
      ADD_FAILURE() << "trial " << trial << ": not an aegan::Error: " << e.what();
    }
  }
}

TEST(Safetensors, MissingFileThrows) {
  TempDir dir;
  EXPECT_TRUE(throws_error_mentioning(
      [&] { read_safetensors(dir / "absent.safetensors"); },
      {(dir / "absent.safetensors").string(), "cannot open", "No such file or directory"}));
}

TEST(Safetensors, DirectoryIsNotACheckpoint) {
  TempDir dir;
  EXPECT_TRUE(throws_error_mentioning([&] { read_safetensors(dir.path()); },
                                      {dir.path().string(), "not a regular file"}));
}

TEST(Safetensors, FileShorterThanLengthPrefixThrows) {
  EXPECT_TRUE(rejects("", {"file is 0 bytes, too short"}));
  EXPECT_TRUE(rejects(std::string("\x02\0\0\0\0", 5), {"file is 5 bytes, too short"}));
}

TEST(Safetensors, HeaderLengthBeyondFileThrows) {
  EXPECT_TRUE(rejects(u64_le(3) + "{}", {"header length 3 exceeds the file size 10"}));
  EXPECT_TRUE(rejects(u64_le(100'000'001) + "{}", {"exceeds the 100 MB limit"}));
  EXPECT_TRUE(rejects(u64_le(std::numeric_limits<uint64_t>::max()) + "{}", {"100 MB"}));
}

TEST(Safetensors, InvalidHeaderJsonThrows) {
  EXPECT_TRUE(rejects(file_with("{not json", ""), {"header is not valid JSON"}));
  EXPECT_TRUE(rejects(file_with("", ""), {"header is not valid JSON"}));
  EXPECT_TRUE(rejects(file_with("{}{}", ""), {"header is not valid JSON"}));
  EXPECT_TRUE(rejects(file_with("{\"\xff\":1}", ""), {"header is not valid JSON"}));
  EXPECT_TRUE(rejects(file_with("[1,2]", ""), {"header is not a JSON object"}));
  EXPECT_TRUE(rejects(file_with("{\"x\":3}", ""), {"tensor 'x' is not a JSON object"}));
}

TEST(Safetensors, MissingFieldThrows) {
  EXPECT_TRUE(rejects(file_with(R"({"x":{"shape":[1],"data_offsets":[0,4]}})", f32_le({1})),
                      {"tensor 'x' has no dtype"}));
  EXPECT_TRUE(rejects(file_with(R"({"x":{"dtype":"F32","data_offsets":[0,4]}})", f32_le({1})),
                      {"tensor 'x' has no shape"}));
  EXPECT_TRUE(rejects(file_with(R"({"x":{"dtype":"F32","shape":[1]}})", f32_le({1})),
                      {"tensor 'x' has no data_offsets"}));
}

TEST(Safetensors, DtypeOtherThanF32Throws) {
  EXPECT_TRUE(rejects(file_with("{" + tensor_json("x", "F16", "[2]", "[0,4]") + "}", "abcd"),
                      {"tensor 'x' has dtype F16, only F32 is supported"}));
  EXPECT_TRUE(rejects(file_with("{" + tensor_json("x", "I64", "[1]", "[0,8]") + "}", "abcdefgh"),
                      {"tensor 'x' has dtype I64, only F32 is supported"}));
  EXPECT_TRUE(rejects(file_with(R"({"x":{"dtype":32,"shape":[1],"data_offsets":[0,4]}})", "abcd"),
                      {"tensor 'x' has a dtype that is not a string"}));
}

TEST(Safetensors, InvalidShapeThrows) {
  const auto with_shape = [](const std::string& shape) {
    return file_with("{" + tensor_json("x", "F32", shape, "[0,4]") + "}", f32_le({1}));
  };
  EXPECT_TRUE(rejects(with_shape("[-1]"), {"tensor 'x' shape entries must be a non-negative"}));
  EXPECT_TRUE(rejects(with_shape("[1.5]"), {"tensor 'x' shape entries must be a non-negative"}));
  EXPECT_TRUE(rejects(with_shape("[1.0]"), {"tensor 'x' shape entries must be a non-negative"}));
  EXPECT_TRUE(rejects(with_shape("[\"1\"]"), {"tensor 'x' shape entries must be a non-negative"}));
  EXPECT_TRUE(rejects(with_shape("1"), {"tensor 'x' has a shape that is not an array"}));
  EXPECT_TRUE(rejects(with_shape("[18446744073709551615]"), {"tensor 'x' has a huge dimension"}));
  EXPECT_TRUE(rejects(with_shape("[4294967296,4294967296]"), {"tensor 'x' has too many elements"}));
}

TEST(Safetensors, OffsetsInconsistentWithShapeThrow) {
  EXPECT_TRUE(rejects(file_with("{" + tensor_json("x", "F32", "[2]", "[0,4]") + "}", f32_le({1})),
                      {"tensor 'x' data_offsets [0, 4] hold 4 bytes but shape [2] needs 8"}));
  EXPECT_TRUE(rejects(file_with("{" + tensor_json("x", "F32", "[1]", "[4,0]") + "}", f32_le({1})),
                      {"tensor 'x' data_offsets [4, 0] end before begin"}));
  EXPECT_TRUE(rejects(file_with("{" + tensor_json("x", "F32", "[1]", "[0]") + "}", f32_le({1})),
                      {"tensor 'x' data_offsets is not a [begin, end] pair"}));
  EXPECT_TRUE(rejects(file_with("{" + tensor_json("x", "F32", "[1]", "[0,-4]") + "}", f32_le({1})),
                      {"tensor 'x' data_offsets must be a non-negative integer"}));
}

TEST(Safetensors, OffsetsPastEndOfFileThrow) {
  EXPECT_TRUE(rejects(file_with("{" + tensor_json("x", "F32", "[2]", "[0,8]") + "}", f32_le({1})),
                      {"tensor 'x' data_offsets [0, 8] reach past the end of the data (4 bytes"}));
  EXPECT_TRUE(rejects(
      file_with(
          "{" + tensor_json("x", "F32", "[1]", "[18446744073709551612,18446744073709551616]") + "}",
          f32_le({1})),
      {"tensor 'x' data_offsets"}));
}

TEST(Safetensors, OverlappingOrGappedOffsetsThrow) {
  const auto two = [](const std::string& a, const std::string& b, size_t floats) {
    return file_with(
        "{" + tensor_json("a", "F32", "[2]", a) + "," + tensor_json("b", "F32", "[2]", b) + "}",
        std::string(4 * floats, '\0'));
  };
  EXPECT_TRUE(rejects(two("[0,8]", "[4,12]", 3), {"tensor 'b' overlaps tensor 'a'"}));
  EXPECT_TRUE(rejects(two("[0,8]", "[0,8]", 2), {"overlaps"}));
  EXPECT_TRUE(rejects(two("[0,8]", "[12,20]", 5), {"unused bytes 8 to 12 before tensor 'b'"}));
  EXPECT_TRUE(rejects(two("[4,12]", "[12,20]", 5), {"unused bytes 0 to 4 before tensor 'a'"}));
  EXPECT_TRUE(rejects(two("[0,8]", "[8,16]", 5), {"4 unused bytes after the last tensor"}));
}

TEST(Safetensors, DuplicateKeysThrow) {
  const std::string x = tensor_json("x", "F32", "[1]", "[0,4]");
  EXPECT_TRUE(
      rejects(file_with("{" + x + "," + x + "}", f32_le({1})), {"header lists tensor 'x' twice"}));
  EXPECT_TRUE(
      rejects(file_with(R"({"__metadata__":{"a":"1","a":"2"}})", ""), {"header lists 'a' twice"}));
  EXPECT_TRUE(rejects(file_with(R"({"__metadata__":{},"__metadata__":{}})", ""),
                      {"header lists '__metadata__' twice"}));
  EXPECT_TRUE(
      rejects(file_with(R"({"x":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                        f32_le({1})),
              {"header lists 'dtype' twice"}));
}

TEST(Safetensors, NestingDeeperThanAHeaderThrows) {
  EXPECT_TRUE(rejects(file_with("{" + tensor_json("x", "F32", "[[1]]", "[0,4]") + "}", f32_le({1})),
                      {"header nests deeper than a safetensors header"}));
  EXPECT_TRUE(rejects(file_with(R"({"__metadata__":{"a":{"b":[]}}})", ""), {"nests deeper"}));
  // Parsing stops at the first level too deep, not after building a million nested arrays.
  EXPECT_TRUE(rejects(file_with(std::string(1'000'000, '['), ""), {"nests deeper"}));
}

TEST(Safetensors, HeaderPaddingMustBeWhitespace) {
  const std::string x = "{" + tensor_json("x", "F32", "[1]", "[0,4]") + "}";
  EXPECT_TRUE(rejects(file_with(x + std::string(3, '\0'), f32_le({1})),
                      {"header is not valid JSON: NUL byte at header offset 54"}));
  EXPECT_TRUE(rejects(file_with(x + std::string(" \0x", 3), f32_le({1})), {"NUL byte"}));
  EXPECT_TRUE(rejects(file_with(x + "  x", f32_le({1})), {"header is not valid JSON"}));
  TempDir dir;
  write_bytes(dir / "padded.safetensors", file_with(x + "   ", f32_le({2.5f})));
  EXPECT_EQ(read_safetensors(dir / "padded.safetensors").at("x").data, std::vector<float>{2.5f});
}

TEST(Safetensors, InvalidMetadataThrows) {
  EXPECT_TRUE(rejects(file_with(R"({"__metadata__":{"epoch":3}})", ""),
                      {"metadata 'epoch' is not a string"}));
  EXPECT_TRUE(rejects(file_with(R"({"__metadata__":["a"]})", ""),
                      {"__metadata__ is not an object of strings"}));
}

TEST(Safetensors, HostileNamesGiveOneShortLine) {
  const std::string name = "line\\nbreak" + std::string(5000, 'n');
  const std::string bytes = file_with("{" + tensor_json(name, "F16", "[2]", "[0,4]") + "}", "abcd");
  EXPECT_TRUE(rejects(bytes, {"tensor 'line?breaknnn", "...' has dtype F16"}));
  TempDir dir;
  write_bytes(dir / "bad.safetensors", bytes);
  try {
    read_safetensors(dir / "bad.safetensors");
  } catch (const Error& e) {
    EXPECT_LT(std::strlen(e.what()), 500u);
  }
}

TEST(Safetensors, WriteRejectsDataNotMatchingShapeAndKeepsOldFile) {
  TempDir dir;
  write_bytes(dir / "model.safetensors", "old");
  Safetensors file;
  file.tensors["w"] = {{2, 3}, std::vector<float>(5)};
  EXPECT_TRUE(throws_error_mentioning(
      [&] { write_safetensors(dir / "model.safetensors", file); },
      {(dir / "model.safetensors").string(), "tensor 'w' has shape [2, 3] (6 elements) but 5"}));
  file.tensors["w"] = {{-1}, {}};
  EXPECT_TRUE(throws_error_mentioning([&] { write_safetensors(dir / "model.safetensors", file); },
                                      {"tensor 'w' has invalid shape [-1]"}));
  EXPECT_EQ(read_bytes(dir / "model.safetensors"), "old");
  EXPECT_EQ(dir.names(), std::vector<std::string>{"model.safetensors"});
}

TEST(Safetensors, WriteRejectsReservedName) {
  TempDir dir;
  Safetensors file;
  file.tensors["__metadata__"] = {{1}, {1.0f}};
  EXPECT_TRUE(throws_error_mentioning([&] { write_safetensors(dir / "m.safetensors", file); },
                                      {"a tensor may not be named '__metadata__'"}));
  EXPECT_TRUE(dir.names().empty());
}

// JSON headers are UTF-8; writing a name other tools cannot decode must fail, not corrupt.
TEST(Safetensors, WriteRejectsInvalidUtf8) {
  TempDir dir;
  Safetensors file;
  file.tensors["bad\xff"] = {{1}, {1.0f}};
  EXPECT_TRUE(throws_error_mentioning([&] { write_safetensors(dir / "m.safetensors", file); },
                                      {(dir / "m.safetensors").string(), "not valid UTF-8"}));
  file.tensors.clear();
  file.metadata["note"] = "\xc3";
  EXPECT_TRUE(throws_error_mentioning([&] { write_safetensors(dir / "m.safetensors", file); },
                                      {"not valid UTF-8"}));
  EXPECT_TRUE(dir.names().empty());
}

TEST(Safetensors, WriteReplacesExistingCheckpointAndLeavesNoTemporary) {
  TempDir dir;
  write_safetensors(dir / "model.safetensors", sample_checkpoint());
  Safetensors smaller;
  smaller.tensors["only"] = {{1}, {42.0f}};
  write_safetensors(dir / "model.safetensors", smaller);
  expect_same(read_safetensors(dir / "model.safetensors"), smaller);
  EXPECT_EQ(dir.names(), std::vector<std::string>{"model.safetensors"});
}

}  // namespace
}  // namespace aegan::io
