#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <vector>

#include "engine/error.hpp"
#include "nets/data/augment.hpp"
#include "nets/data/image_set.hpp"
#include "nets/data/loader.hpp"
#include "tests/nets/data/image_files.hpp"

namespace aegan::data {
namespace {

TEST(Augment, SourceSideIsTheOfficialCodes) {
  EXPECT_EQ(crop_source_side(128), 152);
  EXPECT_EQ(crop_source_side(256), 304);
  EXPECT_EQ(crop_source_side(512), 608);
  EXPECT_EQ(crop_source_side(64), 76);
}

TEST(Augment, CropsAreInsideFixedBySeedEpochAndIndexAndCoverTheRange) {
  std::set<int> xs, ys;
  int mirrored = 0;
  for (int64_t index = 0; index < 400; ++index) {
    const CropWindow w = random_crop(7, 2, index, 20, 16);
    ASSERT_GE(w.x, 0);
    ASSERT_LE(w.x, 4);
    ASSERT_GE(w.y, 0);
    ASSERT_LE(w.y, 4);
    xs.insert(w.x);
    ys.insert(w.y);
    mirrored += w.mirror;
    const CropWindow again = random_crop(7, 2, index, 20, 16);
    EXPECT_EQ(again.x, w.x);
    EXPECT_EQ(again.y, w.y);
    EXPECT_EQ(again.mirror, w.mirror);
  }
  EXPECT_EQ(xs.size(), 5u);
  EXPECT_EQ(ys.size(), 5u);
  EXPECT_GT(mirrored, 150);
  EXPECT_LT(mirrored, 250);
  int differ = 0;
  for (int64_t index = 0; index < 50; ++index) {
    const CropWindow a = random_crop(7, 2, index, 20, 16), b = random_crop(7, 3, index, 20, 16);
    differ += a.x != b.x || a.y != b.y || a.mirror != b.mirror;
  }
  EXPECT_GT(differ, 30) << "another epoch crops otherwise";
  EXPECT_THROW(random_crop(1, 0, 0, 8, 9), Error);
  const CropWindow whole = random_crop(1, 0, 0, 8, 8);
  EXPECT_EQ(whole.x, 0);
  EXPECT_EQ(whole.y, 0);
}

TEST(Augment, CutCopiesTheWindowMirroredWhereAsked) {
  const int source = 5, crop = 3;
  std::vector<float> image(3 * source * source);
  for (size_t i = 0; i < image.size(); ++i)
    image[i] = static_cast<float>(i);
  std::vector<float> out(3 * crop * crop);
  cut(image.data(), source, {1, 2, false}, crop, out.data());
  for (int c = 0; c < 3; ++c) {
    for (int y = 0; y < crop; ++y) {
      for (int x = 0; x < crop; ++x) {
        EXPECT_EQ(out[static_cast<size_t>((c * crop + y) * crop + x)],
                  image[static_cast<size_t>((c * source + y + 2) * source + x + 1)]);
      }
    }
  }
  cut(image.data(), source, {1, 2, true}, crop, out.data());
  for (int c = 0; c < 3; ++c) {
    for (int y = 0; y < crop; ++y) {
      for (int x = 0; x < crop; ++x) {
        EXPECT_EQ(out[static_cast<size_t>((c * crop + y) * crop + x)],
                  image[static_cast<size_t>((c * source + y + 2) * source + (crop - 1 - x) + 1)]);
      }
    }
  }
}

// A loader with a crop gives crop x crop windows of its set's images, the same from a position
// as an uninterrupted loader gives there.
TEST(Augment, LoaderCropsItsImagesAndResumesExactly) {
  const test::TempDir dir;
  for (int i = 0; i < 4; ++i) {
    std::vector<uint8_t> rgb;
    for (int y = 0; y < 8; ++y) {
      for (int x = 0; x < 8; ++x)
        rgb.insert(rgb.end(), {static_cast<uint8_t>(30 * x), static_cast<uint8_t>(30 * y),
                               static_cast<uint8_t>(60 * i)});
    }
    test::write_png(dir.path() / ("img" + std::to_string(i) + ".png"), 8, 8, 3, rgb);
  }
  ImageOptions options;
  options.resolution = 8;
  const ImageSet set = ImageSet::open(dir.path(), options);
  LoaderOptions loader_options;
  loader_options.batch_size = 2;
  loader_options.seed = 5;
  loader_options.crop = 6;
  Loader loader(set, loader_options);
  std::vector<Batch> batches;
  for (int k = 0; k < 6; ++k)
    batches.push_back(loader.next());
  std::vector<float> whole(3 * 8 * 8);
  for (const Batch& batch : batches) {
    ASSERT_EQ(batch.images.size(), size_t{2 * 3 * 6 * 6});
    for (int slot = 0; slot < 2; ++slot) {
      const float* crop = batch.images.data() + slot * 3 * 36;
      // Blue names the image; red and green give the window's corner and direction.
      const int image = static_cast<int>(std::lround((crop[2 * 36] + 1.0f) * 127.5f / 60.0f));
      ASSERT_TRUE(set.load(image, whole.data()));
      const CropWindow w =
          random_crop(5, batch.position.epoch, batch.position.batch * 2 + slot, 8, 6);
      std::vector<float> want(3 * 36);
      cut(whole.data(), 8, w, 6, want.data());
      EXPECT_EQ(std::vector<float>(crop, crop + 3 * 36), want) << slot;
    }
  }
  loader_options.start = batches[3].position;
  Loader resumed(set, loader_options);
  for (int k = 3; k < 6; ++k)
    EXPECT_EQ(resumed.next().images, batches[static_cast<size_t>(k)].images) << k;
}

}  // namespace
}  // namespace aegan::data
