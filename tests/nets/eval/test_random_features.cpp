#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "engine/error.hpp"
#include "nets/eval/random_features.hpp"
#include "tests/nets/eval/eval_images.hpp"

namespace aegan::eval {
namespace {

// The space as its header documents it, written again in double precision and without the
// extractor's code: pooling, then each convolution output as a sum over its receptive field.
std::vector<double> documented_features(const float* image, int size) {
  uint64_t state = kRandomFeatureSeed;
  auto next_unit = [&state] {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) / 9007199254740992.0;
  };
  int s = size;
  std::vector<double> x(image, image + 3 * size * size);
  for (; s > kRandomFeatureInput; s /= 2) {
    const int h = s / 2;
    std::vector<double> pooled(static_cast<size_t>(3 * h * h));
    for (int c = 0; c < 3; ++c) {
      for (int y = 0; y < h; ++y) {
        for (int xx = 0; xx < h; ++xx) {
          double sum = 0;
          for (int dy = 0; dy < 2; ++dy) {
            for (int dx = 0; dx < 2; ++dx)
              sum += x[static_cast<size_t>((c * s + 2 * y + dy) * s + 2 * xx + dx)];
          }
          pooled[static_cast<size_t>((c * h + y) * h + xx)] = sum / 4;
        }
      }
    }
    x = pooled;
  }
  std::vector<double> features;
  int in = 3;
  for (const int out : {32, 64, 128}) {
    std::vector<double> w(static_cast<size_t>(out * in * 9));
    const double bound = std::sqrt(6.0 / (9.0 * in));
    for (double& v : w)
      v = (2 * next_unit() - 1) * bound;
    const int o = (s + 1) / 2;
    std::vector<double> y(static_cast<size_t>(out * o * o), 0.0);
    for (int oc = 0; oc < out; ++oc) {
      double mean = 0;
      for (int oy = 0; oy < o; ++oy) {
        for (int ox = 0; ox < o; ++ox) {
          double sum = 0;
          for (int ic = 0; ic < in; ++ic) {
            for (int k = 0; k < 9; ++k) {
              const int iy = 2 * oy - 1 + k / 3, ix = 2 * ox - 1 + k % 3;
              if (iy >= 0 && iy < s && ix >= 0 && ix < s) {
                sum += w[static_cast<size_t>((oc * in + ic) * 9 + k)] *
                       x[static_cast<size_t>((ic * s + iy) * s + ix)];
              }
            }
          }
          y[static_cast<size_t>((oc * o + oy) * o + ox)] = std::max(sum, 0.0);
          mean += std::max(sum, 0.0);
        }
      }
      features.push_back(mean / (o * o));
    }
    x = y;
    s = o;
    in = out;
  }
  return features;
}

TEST(EvalRandomFeatures, MatchTheDocumentedNetworkOnAwkwardSizes) {
  for (const int size : {1, 5, 37, 64, 130}) {
    const Images images = test::wave_images(2, size, static_cast<uint64_t>(size));
    const std::vector<float> features = random_features(images);
    ASSERT_EQ(features.size(), 2u * kRandomFeatureDims);
    for (int64_t i = 0; i < images.count; ++i) {
      const std::vector<double> want = documented_features(images.image(i), size);
      ASSERT_EQ(want.size(), static_cast<size_t>(kRandomFeatureDims));
      for (int k = 0; k < kRandomFeatureDims; ++k) {
        EXPECT_NEAR(features[static_cast<size_t>(i * kRandomFeatureDims + k)], want[k],
                    1e-5 + 1e-4 * std::abs(want[k]))
            << "size " << size << " image " << i << " feature " << k;
      }
    }
  }
}

TEST(EvalRandomFeatures, AreDeterministicAndPerImage) {
  const Images images = test::wave_images(6, 48, 3);
  const std::vector<float> all = random_features(images);
  EXPECT_EQ(all, random_features(images));
  // Image 4 alone gives the same features as in the set: nothing depends on the other images or
  // on how the work was split over threads.
  Images one{1, 48, {}};
  one.data.assign(images.image(4), images.image(4) + images.floats_per_image());
  const std::vector<float> alone = random_features(one);
  EXPECT_EQ(alone, std::vector<float>(all.begin() + 4 * kRandomFeatureDims,
                                      all.begin() + 5 * kRandomFeatureDims));
  for (const float value : all)
    EXPECT_GE(value, 0.f);  // means of ReLU outputs
}

TEST(EvalRandomFeatures, PoolingMakesADoubledImageTheSame) {
  const Images small = test::wave_images(2, 64, 5);
  Images doubled{2, 128, {}};
  for (int64_t i = 0; i < small.count; ++i) {
    for (int c = 0; c < 3; ++c) {
      for (int y = 0; y < 128; ++y) {
        for (int x = 0; x < 128; ++x)
          doubled.data.push_back(small.image(i)[(c * 64 + y / 2) * 64 + x / 2]);
      }
    }
  }
  EXPECT_EQ(random_features(small), random_features(doubled));
}

TEST(EvalRandomFeatures, DistanceIsZeroForOneSetAndGrowsWithAShift) {
  const Images a = test::wave_images(40, 32, 11), b = test::wave_images(40, 32, 12);
  EXPECT_NEAR(random_feature_distance(a, a), 0.0, 1e-6);
  const double same_kind = random_feature_distance(a, b);
  const double shifted = random_feature_distance(a, test::shifted(b, 0, 0.5f));
  EXPECT_GT(same_kind, 0.0);
  EXPECT_GT(shifted, 2 * same_kind);
}

TEST(EvalRandomFeatures, RefuseAnEmptySet) {
  EXPECT_THROW(random_features(Images{0, 8, {}}), Error);
}

}  // namespace
}  // namespace aegan::eval
