#include "engine/io/atomic_file.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "engine/error.hpp"
#include "tests/engine/io/io_testing.hpp"

namespace aegan::io {
namespace {

using testing::read_bytes;
using testing::TempDir;
using testing::throws_error_mentioning;
using testing::write_bytes;

using Names = std::vector<std::string>;

std::span<const std::byte> bytes_of(const std::string& text) {
  return std::as_bytes(std::span(text));
}

TEST(AtomicFile, CreatesFileAndLeavesNoTemporary) {
  TempDir dir;
  write_file_atomically(dir / "out.bin", bytes_of("hello"));
  EXPECT_EQ(read_bytes(dir / "out.bin"), "hello");
  EXPECT_EQ(dir.names(), Names{"out.bin"});
}

TEST(AtomicFile, ReplacesLongerFileWholly) {
  TempDir dir;
  write_bytes(dir / "out.bin", std::string(10000, 'x'));
  write_file_atomically(dir / "out.bin", bytes_of("short"));
  EXPECT_EQ(read_bytes(dir / "out.bin"), "short");
  EXPECT_EQ(dir.names(), Names{"out.bin"});
}

TEST(AtomicFile, WritesPiecesInOrder) {
  TempDir dir;
  write_file_atomically(dir / "out.bin", [](const ByteSink& sink) {
    sink(bytes_of("ab"));
    sink({});
    sink(bytes_of("cd"));
  });
  EXPECT_EQ(read_bytes(dir / "out.bin"), "abcd");
}

TEST(AtomicFile, FailingProducerKeepsOldContentAndRemovesTemporary) {
  TempDir dir;
  write_bytes(dir / "out.bin", "old content");
  EXPECT_THROW(write_file_atomically(dir / "out.bin",
                                     [](const ByteSink& sink) {
                                       sink(bytes_of("half of the new"));
                                       throw std::runtime_error("producer failed");
                                     }),
               std::runtime_error);
  EXPECT_EQ(read_bytes(dir / "out.bin"), "old content");
  EXPECT_EQ(dir.names(), Names{"out.bin"});
}

TEST(AtomicFile, FailingRenameRemovesTemporary) {
  TempDir dir;
  // A non-empty directory cannot be replaced by a file, even by root.
  std::filesystem::create_directories(dir / "target" / "inside");
  EXPECT_TRUE(
      throws_error_mentioning([&] { write_file_atomically(dir / "target", bytes_of("data")); },
                              {(dir / "target").string(), "rename failed"}));
  EXPECT_EQ(dir.names(), Names{"target"});
  EXPECT_TRUE(std::filesystem::is_directory(dir / "target" / "inside"));
}

TEST(AtomicFile, MissingDirectoryThrowsNamingPathAndReason) {
  TempDir dir;
  const auto target = dir / "no-such-dir" / "out.bin";
  EXPECT_TRUE(throws_error_mentioning([&] { write_file_atomically(target, bytes_of("data")); },
                                      {target.string(), "No such file or directory"}));
  EXPECT_TRUE(dir.names().empty());
}

}  // namespace
}  // namespace aegan::io
