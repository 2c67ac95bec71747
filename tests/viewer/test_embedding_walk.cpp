#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "engine/autograd.hpp"
#include "nets/latent_walk.hpp"
#include "nets/models/aegan/model.hpp"
#include "nets/models/dcgan/model.hpp"
#include "viewer/core/embedding_walk.hpp"

namespace aegan::viewer {
namespace {

std::vector<float> combine(const std::vector<WalkTerm>& terms,
                           const std::vector<std::vector<float>>& keys) {
  std::vector<double> sum(keys[0].size(), 0.0);
  for (const WalkTerm& term : terms) {
    for (size_t d = 0; d < sum.size(); ++d)
      sum[d] += term.weight * keys[static_cast<size_t>(term.index)][d];
  }
  return {sum.begin(), sum.end()};
}

double max_difference(const std::vector<float>& a, const std::vector<float>& b) {
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i)
    worst = std::max(worst, std::abs(static_cast<double>(a[i]) - b[i]));
  return worst;
}

// The weights reproduce LatentWalk::at, so both walks interpolate by the same rules.
TEST(WalkTerms, MatchTheLatentWalk) {
  for (Interpolation mode : {Interpolation::lerp, Interpolation::slerp, Interpolation::spline}) {
    for (bool loop : {true, false}) {
      const LatentWalk walk(6, 5, 3, mode, loop);
      std::vector<std::vector<float>> keys;
      for (int k = 0; k < walk.keyframes(); ++k)
        keys.push_back(walk.keyframe(k));
      const KeyframeGeometry geometry = keyframe_geometry(keys);
      for (double t = -2.3; t < 7.5; t += 0.37) {
        const auto terms = walk_terms(mode, loop, 5, t, geometry);
        EXPECT_LT(max_difference(combine(terms, keys), walk.at(t)), 1e-5)
            << "mode " << static_cast<int>(mode) << " loop " << loop << " t " << t;
      }
      for (int k = 0; k < 5; ++k) {
        const auto terms = walk_terms(mode, loop, 5, k, geometry);
        ASSERT_EQ(terms.size(), 1u);
        EXPECT_EQ(terms[0].index, k);
        EXPECT_EQ(terms[0].weight, 1.0);
      }
    }
  }
}

class EmbeddingWalkTest : public ::testing::Test {
 protected:
  EmbeddingWalkTest() : model_(preset_sizes(preset_by_name("tiny64")), Prior::uniform) {
    model_.initialise(2);
    model_.set_training(false);
  }

  std::vector<std::vector<float>> keyframes(const EmbeddingWalk& walk) {
    const std::vector<float> all = walk.keyframes().to_host();
    const size_t k = static_cast<size_t>(walk.keyframes().dim(0)), size = all.size() / k;
    std::vector<std::vector<float>> rows;
    for (size_t i = 0; i < k; ++i)
      rows.emplace_back(all.begin() + static_cast<ptrdiff_t>(i * size),
                        all.begin() + static_cast<ptrdiff_t>((i + 1) * size));
    return rows;
  }

  AeganModel model_;
};

TEST_F(EmbeddingWalkTest, KeyframesAreTheEmbeddingsOfTheZWalk) {
  const WalkSettings settings{4, 3, Interpolation::spline, true, 1.0};
  EmbeddingWalk walk;
  ASSERT_TRUE(walk.update(model_, 1, settings));
  const LatentWalk z_walk(model_.latent_size(), 3, 4, Interpolation::spline, true);
  const auto keys = keyframes(walk);
  NoGradGuard no_grad;
  for (int k = 0; k < 3; ++k) {
    const std::vector<float> at_k = walk.at(k).to_host();
    EXPECT_EQ(at_k, keys[static_cast<size_t>(k)]) << "a keyframe is copied, not recomputed";
    const Tensor z = Tensor::from_host({1, model_.latent_size(), 1, 1}, z_walk.keyframe(k));
    const std::vector<float> alone = model_.aegan().g_e().forward(z).to_host();
    // G_E of one z against G_E of all keyframes at once: the same arithmetic per sample.
    EXPECT_LT(max_difference(at_k, alone), 1e-6) << "keyframe " << k;
  }
  EXPECT_FALSE(walk.update(model_, 1, {4, 3, Interpolation::lerp, false, 2.0}))
      << "mode, loop and speed need no new keyframes";
  EXPECT_TRUE(walk.update(model_, 2, {4, 3, Interpolation::lerp, false, 2.0})) << "new model";
  EXPECT_TRUE(walk.update(model_, 2, {5, 3, Interpolation::lerp, false, 2.0})) << "new seed";
}

TEST_F(EmbeddingWalkTest, IsContinuousAndInterpolatesTheKeyframes) {
  for (Interpolation mode : {Interpolation::lerp, Interpolation::slerp, Interpolation::spline}) {
    EmbeddingWalk walk;
    walk.update(model_, 1, {6, 3, mode, true, 1.0});
    const auto keys = keyframes(walk);
    double spread = 0;  // how far consecutive keyframes lie apart
    for (size_t k = 0; k < keys.size(); ++k)
      spread = std::max(spread, max_difference(keys[k], keys[(k + 1) % keys.size()]));
    ASSERT_GT(spread, 1e-4) << "keyframes too alike to tell a jump from a step";
    // Across each keyframe (and the loop's seam at 3 = 0), a small step moves a little.
    for (double k : {0.0, 1.0, 2.0, 3.0}) {
      const std::vector<float> on = walk.at(k).to_host();
      for (double step : {-1e-4, 1e-4}) {
        EXPECT_LT(max_difference(walk.at(k + step).to_host(), on), 1e-2 * spread)
            << "mode " << static_cast<int>(mode) << " at " << k + step;
      }
    }
    for (double t : {0.25, 1.5, 2.75}) {
      const std::vector<float> device = walk.at(t).to_host();
      EXPECT_LT(max_difference(device, combine(walk.terms(t), keys)), 1e-5);
      EXPECT_GT(max_difference(device, keys[static_cast<size_t>(t)]), 1e-3 * spread);
    }
  }
}

// The keyframes are the embeddings of the z walk's keyframes drawn from the model's prior.
TEST_F(EmbeddingWalkTest, DrawsTheKeyframesFromThePrior) {
  model_.set_prior(Prior::normal);
  EmbeddingWalk walk;
  walk.update(model_, 1, {4, 2, Interpolation::lerp, true, 1.0});
  const LatentWalk z_walk(model_.latent_size(), 2, 4, Interpolation::lerp, true, Prior::normal);
  NoGradGuard no_grad;
  const Tensor z = Tensor::from_host({1, model_.latent_size(), 1, 1}, z_walk.keyframe(1));
  EXPECT_LT(max_difference(walk.at(1).to_host(), model_.aegan().g_e().forward(z).to_host()), 1e-6);
}

TEST(EmbeddingWalk, RefusesAModelWithoutAnEmbeddingSpace) {
  dcgan::DcganModel model(dcgan::preset_sizes(dcgan::preset_by_name("dcgan-tiny64")),
                          Prior::normal);
  EmbeddingWalk walk;
  try {
    walk.update(model, 1, {4, 2, Interpolation::lerp, true, 1.0});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "dcgan has no embedding space to walk in (walk in z)");
  }
}

}  // namespace
}  // namespace aegan::viewer
