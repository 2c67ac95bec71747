#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "nets/models/aegan/model.hpp"
#include "nets/sampler.hpp"
#include "viewer/core/display.hpp"
#include "viewer/core/sample_grid.hpp"

namespace aegan::viewer {
namespace {

struct Pixels {
  std::vector<uint32_t> words;
  int width = 0;
  // Byte c (0 = lowest) of the pixel at x, y.
  int byte(int x, int y, int c) const {
    return static_cast<int>(words[static_cast<size_t>(y * width + x)] >> (8 * c) & 255u);
  }
  bool background(int x, int y) const {
    return byte(x, y, 0) == kBackground[0] && byte(x, y, 1) == kBackground[1] &&
           byte(x, y, 2) == kBackground[2];
  }
};

Pixels read(const DisplayImage& image) {
  Pixels out;
  for (float f : image.pixels.to_host())
    out.words.push_back(std::bit_cast<uint32_t>(f));
  out.width = image.width;
  return out;
}

// The byte report::to_rgb8 gives v.
int byte_of(float v) {
  return static_cast<int>(std::floor((std::clamp(v, -1.0f, 1.0f) + 1.0f) * 127.5f + 0.5f));
}

TEST(DisplayTiles, LaysOutGreyTilesWithGaps) {
  // Three 2x2 single-channel tiles, two to a row, one pixel apart, each pixel drawn 2x2.
  const std::vector<float> values = {-1, -0.5f, 0, 0.5f, 1, 0.25f, -0.25f, 2, 0.1f, 0.2f, 0.3f, -3};
  const Tensor x = Tensor::from_host({3, 1, 2, 2}, values);
  DisplayImage out;
  to_display_tiles(x, TileLayout{2, 1, 2, 1, false}, PixelOrder::rgba, out);
  ASSERT_EQ(out.width, 9);
  ASSERT_EQ(out.height, 9);
  const Pixels p = read(out);
  for (int t = 0; t < 3; ++t) {
    const int x0 = (t % 2) * 5, y0 = (t / 2) * 5;
    for (int y = 0; y < 4; ++y) {
      for (int xx = 0; xx < 4; ++xx) {
        const int want = byte_of(values[static_cast<size_t>(t * 4 + (y / 2) * 2 + xx / 2)]);
        for (int c = 0; c < 3; ++c)
          EXPECT_EQ(p.byte(x0 + xx, y0 + y, c), want) << "tile " << t << " at " << xx << "," << y;
        EXPECT_EQ(p.byte(x0 + xx, y0 + y, 3), 255);
      }
    }
  }
  for (int i = 0; i < 9; ++i) {
    EXPECT_TRUE(p.background(4, i)) << "gap column, row " << i;
    EXPECT_TRUE(p.background(i, 4)) << "gap row, column " << i;
  }
  EXPECT_TRUE(p.background(7, 7)) << "no fourth tile";
}

TEST(DisplayTiles, NormalisesEachTileToItsRange) {
  const std::vector<float> values = {0.2f, 0.4f, 0.6f, 0.8f, 0.3f, 0.3f, 0.3f, 0.3f};
  DisplayImage out;
  to_display_tiles(Tensor::from_host({2, 1, 2, 2}, values), TileLayout{2, 0, 1, 1, true},
                   PixelOrder::bgra, out);
  const Pixels p = read(out);
  EXPECT_EQ(p.byte(0, 0, 0), 0);    // the minimum is black
  EXPECT_EQ(p.byte(1, 1, 0), 255);  // the maximum white
  EXPECT_EQ(p.byte(1, 0, 0), byte_of(2 * (0.4f - 0.2f) / 0.6f - 1));
  EXPECT_EQ(p.byte(2, 0, 0), 128) << "a flat tile is mid grey";
}

TEST(DisplayTiles, ShrinksByAveragingAndKeepsTheByteOrder) {
  std::vector<float> values(3 * 4 * 4);
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = static_cast<float>(i % 16) / 16.0f - static_cast<float>(i / 16) * 0.25f;
  DisplayImage rgba, bgra;
  const Tensor x = Tensor::from_host({1, 3, 4, 4}, values);
  to_display_tiles(x, TileLayout{1, 0, 1, 2, false}, PixelOrder::rgba, rgba);
  to_display_tiles(x, TileLayout{1, 0, 1, 2, false}, PixelOrder::bgra, bgra);
  ASSERT_EQ(rgba.width, 2);
  const Pixels a = read(rgba), b = read(bgra);
  for (int c = 0; c < 3; ++c) {
    // The bottom-right box: source pixels (2..3, 2..3) of channel c.
    const size_t first = static_cast<size_t>(c * 16 + 2 * 4 + 2);
    const float mean =
        (values[first] + values[first + 1] + values[first + 4] + values[first + 5]) / 4;
    EXPECT_EQ(a.byte(1, 1, c), byte_of(mean));
    EXPECT_EQ(b.byte(1, 1, 2 - c), byte_of(mean));
  }
}

TEST(SampleGrid, ShowsTheSamplesOfTheSeedAndRecomputesOnlyOnChange) {
  AeganModel model(preset_sizes(preset_by_name("tiny64")), Prior::uniform);
  model.initialise(3);
  SampleGrid grid;
  ASSERT_TRUE(grid.update(model, 1, 4, 9, PixelOrder::rgba));
  const Tensor expected = generate(model, sample_z(4, model.latent_size(), 9), 4).back().images;
  EXPECT_EQ(grid.images().to_host(), expected.to_host());
  EXPECT_EQ(grid.pixels().width, 2 * 64 + 2);
  EXPECT_EQ(grid.pixels().height, 2 * 64 + 2);
  EXPECT_FALSE(grid.update(model, 1, 4, 9, PixelOrder::rgba));
  EXPECT_FALSE(grid.update(model, 1, 4, 9, PixelOrder::bgra)) << "only converted again";
  EXPECT_TRUE(grid.update(model, 2, 4, 9, PixelOrder::bgra));
  EXPECT_TRUE(grid.update(model, 2, 5, 9, PixelOrder::bgra));
  EXPECT_EQ(grid.pixels().width, 3 * 64 + 2 * 2);
  EXPECT_EQ(grid.pixels().height, 2 * 64 + 2);
  EXPECT_FALSE(grid.update(model, 2, 0, 9, PixelOrder::bgra));
  EXPECT_FALSE(grid.pixels().pixels.defined());
  EXPECT_EQ(SampleGrid::layout(16, 512).shrink, 4);
}

}  // namespace
}  // namespace aegan::viewer
