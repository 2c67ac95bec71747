#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "engine/error.hpp"
#include "nets/data/loader.hpp"
#include "nets/data/shuffle.hpp"
#include "tests/nets/data/image_files.hpp"

namespace aegan::data {
namespace {

using test::constant_pixels;
using test::TempDir;

TEST(DataShuffle, EpochPermutationIsAFixedPermutation) {
  for (int64_t count : {0, 1, 2, 7, 100}) {
    auto order = epoch_permutation(count, 42, 3);
    EXPECT_EQ(order, epoch_permutation(count, 42, 3));
    std::sort(order.begin(), order.end());
    std::vector<int64_t> identity(static_cast<size_t>(count));
    std::iota(identity.begin(), identity.end(), 0);
    EXPECT_EQ(order, identity);
  }
  EXPECT_NE(epoch_permutation(100, 42, 0), epoch_permutation(100, 42, 1));
  EXPECT_NE(epoch_permutation(100, 42, 0), epoch_permutation(100, 43, 0));
  // Pinned so that a change of generator or shuffle, which would change every resumed run, shows.
  EXPECT_EQ(epoch_permutation(8, 1234, 5), (std::vector<int64_t>{6, 4, 7, 2, 3, 1, 5, 0}));
}

// A folder of `count` 4x4 images whose red value 10 * i + 5 identifies image i.
void write_numbered(const std::filesystem::path& dir, int count) {
  for (int i = 0; i < count; ++i) {
    const auto name = "img" + std::string(i < 10 ? "0" : "") + std::to_string(i) + ".png";
    test::write_png(dir / name, 4, 4, 3, constant_pixels(4, 4, {uint8_t(10 * i + 5), 0, 0}));
  }
}

ImageSet open_numbered(const TempDir& dir, int count) {
  write_numbered(dir.path(), count);
  ImageOptions options;
  options.resolution = 2;
  return ImageSet::open(dir.path(), options);
}

// The image numbers of a batch of 2x2 images.
std::vector<int> numbers(const Batch& batch) {
  std::vector<int> out;
  for (size_t i = 0; i < batch.images.size(); i += 12)
    out.push_back(
        static_cast<int>(std::lround(((batch.images[i] + 1.0f) * 127.5f - 5.0f) / 10.0f)));
  return out;
}

std::vector<std::vector<int>> take(Loader& loader, int batches) {
  std::vector<std::vector<int>> out;
  for (int i = 0; i < batches; ++i)
    out.push_back(numbers(loader.next()));
  return out;
}

TEST(Loader, EpochsAreShuffledPermutationsDeterminedBySeed) {
  TempDir dir;
  const ImageSet set = open_numbered(dir, 10);
  Loader loader(set, {.batch_size = 3, .seed = 7});
  EXPECT_EQ(loader.batch_size(), 3);
  EXPECT_EQ(loader.batches_per_epoch(), 3);
  std::vector<std::vector<int>> epochs;
  for (int epoch = 0; epoch < 3; ++epoch) {
    std::vector<int> seen;
    for (int b = 0; b < 3; ++b) {
      EXPECT_EQ(loader.position(), (Position{epoch, b}));
      const Batch batch = loader.next();
      EXPECT_EQ(batch.position, (Position{epoch, b}));
      EXPECT_EQ(batch.images.size(), 3u * 3 * 2 * 2);
      for (int n : numbers(batch))
        seen.push_back(n);
    }
    EXPECT_EQ(std::set<int>(seen.begin(), seen.end()).size(), 9u) << "an image repeats in an epoch";
    epochs.push_back(seen);
  }
  EXPECT_NE(epochs[0], epochs[1]);
  EXPECT_NE(epochs[1], epochs[2]);

  Loader same(set, {.batch_size = 3, .seed = 7});
  Loader other(set, {.batch_size = 3, .seed = 8});
  const auto first = take(same, 9);
  EXPECT_NE(first, take(other, 9));
  std::vector<int> flat, expected;
  for (const auto& batch : first)
    flat.insert(flat.end(), batch.begin(), batch.end());
  for (const auto& epoch : epochs)
    expected.insert(expected.end(), epoch.begin(), epoch.end());
  EXPECT_EQ(flat, expected);
}

TEST(Loader, StartingAtAPositionGivesTheSameBatches) {
  TempDir dir;
  const ImageSet set = open_numbered(dir, 11);
  Loader whole(set, {.batch_size = 4, .seed = 99, .prefetch = 1});
  const auto expected = take(whole, 8);
  for (int skip : {1, 2, 5}) {
    Loader resumed(set, {.batch_size = 4, .seed = 99, .start = {skip / 2, skip % 2}});
    EXPECT_EQ(take(resumed, 8 - skip),
              std::vector<std::vector<int>>(expected.begin() + skip, expected.end()));
  }
  EXPECT_THROW(Loader(set, {.batch_size = 4, .start = {0, 2}}), Error);
  EXPECT_THROW(Loader(set, {.batch_size = 0}), Error);
}

TEST(Loader, BatchSizeIsClippedToTheImageCount) {
  TempDir dir;
  const ImageSet set = open_numbered(dir, 2);
  Loader loader(set, {.batch_size = 5, .seed = 1});
  EXPECT_EQ(loader.batch_size(), 2);
  EXPECT_EQ(loader.batches_per_epoch(), 1);
  const auto batches = take(loader, 3);
  for (const auto& batch : batches)
    EXPECT_EQ(std::set<int>(batch.begin(), batch.end()), (std::set<int>{0, 1}));
  EXPECT_EQ(loader.position(), (Position{3, 0}));
}

void write_corrupt_png(const std::filesystem::path& file) {
  std::vector<uint8_t> noise(32 * 32 * 3);
  for (size_t i = 0; i < noise.size(); ++i)
    noise[i] = static_cast<uint8_t>(i * 37 % 253);
  test::write_png(file, 32, 32, 3, noise);
  auto bytes = test::read_bytes(file);
  for (size_t i = 60; i < bytes.size(); i += 3)
    bytes[i] ^= 0x5A;
  test::write_bytes(file, bytes);
}

TEST(Loader, ImageThatFailsToDecodeIsReplaced) {
  TempDir dir;
  write_numbered(dir.path(), 3);
  write_corrupt_png(dir.path() / "img99.png");
  ImageOptions options;
  options.resolution = 2;
  const ImageSet set = ImageSet::open(dir.path(), options);
  ASSERT_EQ(set.size(), 4);
  testing::internal::CaptureStderr();
  {
    Loader loader(set, {.batch_size = 4, .seed = 3});
    for (const auto& batch : take(loader, 3))
      for (int n : batch)
        EXPECT_TRUE(n >= 0 && n < 3) << n;
  }
  const std::string log = testing::internal::GetCapturedStderr();
  EXPECT_EQ(log.find("img99.png"), log.rfind("img99.png")) << "reported more than once:\n" << log;
  EXPECT_NE(log.find("img99.png"), std::string::npos);
}

TEST(Loader, ErrorOnTheBackgroundThreadReachesTheConsumer) {
  TempDir dir;
  write_corrupt_png(dir.path() / "only.png");
  ImageOptions options;
  options.resolution = 2;
  const ImageSet set = ImageSet::open(dir.path(), options);
  testing::internal::CaptureStderr();
  Loader loader(set, {.batch_size = 1});
  EXPECT_THROW(loader.next(), Error);
  testing::internal::GetCapturedStderr();
}

TEST(Loader, DestroyedWhileDecodingAhead) {
  TempDir dir;
  const ImageSet set = open_numbered(dir, 5);
  for (int prefetch : {1, 4}) {
    Loader loader(set, {.batch_size = 2, .prefetch = prefetch});
    if (prefetch == 4) loader.next();
  }
}

}  // namespace
}  // namespace aegan::data
