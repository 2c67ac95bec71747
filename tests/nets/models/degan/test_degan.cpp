#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "engine/autograd.hpp"
#include "engine/error.hpp"
#include "nets/latent_picture.hpp"
#include "nets/models/degan/model.hpp"
#include "tests/nets/network_checks.hpp"

namespace aegan::degan {
namespace {

struct Counts {
  int64_t vae_dec, vae_enc, g, d;
};

// docs/models/degan.md, "Parameter counts"; degan-tiny64 is tiny32's widths at 64x64.
const std::map<std::string, Counts>& spec_counts() {
  static const std::map<std::string, Counts> counts = {
      {"celeba64", {532627, 2356224, 19313795, 1046017}},
      {"cifar32", {520995, 783360, 5155971, 1033729}},
      {"degan-tiny32", {33099, 49536, 324387, 66433}},
  };
  return counts;
}

DeganModel model_of(const std::string& preset) {
  return DeganModel(preset_sizes(preset_by_name(preset)), Prior::normal);
}

// The output channels of every convolution of `net`, in order.
std::vector<int64_t> widths(const nn::Module& net, bool transposed) {
  std::vector<int64_t> out;
  for (const auto& [name, tensor] : net.parameters()) {
    if (tensor.rank() == 4) out.push_back(tensor.dim(transposed ? 1 : 0));
  }
  return out;
}

TEST(Degan, ParameterCountsMatchTheSpec) {
  for (const auto& [name, want] : spec_counts()) {
    DeganModel model = model_of(name);
    EXPECT_EQ(test::parameter_count(model.vae_dec()), want.vae_dec) << name;
    EXPECT_EQ(test::parameter_count(model.vae_enc()), want.vae_enc) << name;
    EXPECT_EQ(test::parameter_count(model.g()), want.g) << name;
    EXPECT_EQ(test::parameter_count(model.d()), want.d) << name;
  }
}

TEST(Degan, LayerWidthsAreTheSpecs) {
  DeganModel model = model_of("celeba64");
  // "celeba64: 128 (4x4), 64, 32, 16, 3", "fc -> 4x4x1024, then 512, 256, 128, 3".
  EXPECT_EQ(widths(model.vae_dec(), true), (std::vector<int64_t>{128, 64, 32, 16, 3}));
  EXPECT_EQ(widths(model.g(), true), (std::vector<int64_t>{512, 256, 128, 3}));
  EXPECT_EQ(widths(model.vae_enc(), false), (std::vector<int64_t>{32, 64, 128}));
  EXPECT_EQ(widths(model.d(), false), (std::vector<int64_t>{64, 128, 256}));
  DeganModel small = model_of("cifar32");
  EXPECT_EQ(widths(small.vae_dec(), true), (std::vector<int64_t>{128, 64, 32, 3}));
  EXPECT_EQ(widths(small.g(), true), (std::vector<int64_t>{256, 128, 3}));
}

TEST(Degan, CheckpointNamesAndShapesFollowTheSpec) {
  DeganModel model = model_of("celeba64");
  const auto all = test::shapes(model.state());
  // docs/models/degan.md's examples, "Checkpoint names".
  EXPECT_EQ(all.at("vae_dec.up0.conv.weight"), (Shape{128, 128, 4, 4}));
  EXPECT_EQ(all.at("vae_dec.up4.conv.bias"), (Shape{3}));
  EXPECT_EQ(all.at("vae_enc.fc_mu.weight"), (Shape{128, 8192}));
  EXPECT_EQ(all.at("vae_enc.fc_logvar.bias"), (Shape{128}));
  EXPECT_EQ(all.at("vae_enc.down2.bn.running_mean"), (Shape{128}));
  EXPECT_EQ(all.at("g.fc.linear.weight"), (Shape{16384, 128}));
  EXPECT_EQ(all.at("g.fc.bn.weight"), (Shape{1024}));
  EXPECT_EQ(all.at("g.up0.conv.weight"), (Shape{1024, 512, 5, 5}));
  EXPECT_EQ(all.at("g.up3.conv.bias"), (Shape{3}));
  EXPECT_EQ(all.at("d.down0.conv.bias"), (Shape{64}));
  EXPECT_EQ(all.at("d.head.weight"), (Shape{1, 16384}));
  EXPECT_EQ(all.at("d.head.bias"), (Shape{1}));
  // Biases only where no BN follows.
  for (const char* name : {"g.fc.linear.bias", "g.up0.conv.bias", "d.down1.conv.bias",
                           "vae_dec.up0.conv.bias", "vae_enc.down0.bn.weight", "d.down0.bn.weight",
                           "vae_dec.up4.bn.weight", "g.up3.bn.weight"}) {
    EXPECT_EQ(all.count(name), 0u) << name;
  }
  for (const auto& [name, shape] : all) {
    EXPECT_TRUE(name.starts_with("vae_enc.") || name.starts_with("vae_dec.") ||
                name.starts_with("g.") || name.starts_with("d."))
        << name;
  }
}

TEST(Degan, ForwardShapesAndRange) {
  for (const char* preset : {"degan-tiny32", "degan-tiny64"}) {
    DeganModel model = model_of(preset);
    const int r = model.image_size(), nz = model.latent_size();
    model.initialise(1);
    NoGradGuard no_grad;
    for (bool training : {true, false}) {
      model.set_training(training);
      for (int n : {1, 3}) {
        const Tensor z = ops::normal({n, nz, 1, 1}, 5);
        const std::vector<NamedImages> images = model.generate(z);
        ASSERT_EQ(images.size(), 3u);
        EXPECT_EQ(images[0].name, "z_n");
        EXPECT_FALSE(images[0].measured);
        EXPECT_EQ(images[0].images.to_host(), LatentPicture(nz, r)(z).to_host());
        EXPECT_EQ(images[1].name, "vae");
        EXPECT_EQ(images[2].name, "image");
        EXPECT_TRUE(images[1].measured && images[2].measured);
        for (const NamedImages& part : images) {
          ASSERT_EQ(part.images.shape(), (Shape{n, 3, r, r})) << preset << " " << part.name;
          const auto pixels = part.images.to_host();
          const auto [lo, hi] = std::minmax_element(pixels.begin(), pixels.end());
          EXPECT_GE(*lo, -1.0f);
          EXPECT_LE(*hi, 1.0f);
          EXPECT_LT(*lo, *hi) << part.name << " is constant";
        }
        const Tensor& image = images[2].images;
        const auto [mu, logvar] = model.vae_enc().encode(image);
        EXPECT_EQ(mu.shape(), (Shape{n, nz}));
        EXPECT_EQ(logvar.shape(), (Shape{n, nz}));
        EXPECT_EQ(model.d().forward(image).shape(), (Shape{n, 1}));
        EXPECT_EQ(model.d().features(image).shape(), (Shape{n, 64 * (r / 8) * (r / 8)}));
        EXPECT_EQ(model.reconstruct(image).shape(), (Shape{n, 3, r, r}));
      }
    }
  }
}

TEST(Degan, DecoderEncoderNoiseIsThePosteriorOfTheVaesImage) {
  DeganModel model = model_of("degan-tiny32");
  model.initialise(2);
  model.prepare_stage(2);  // the VAE in eval mode
  NoGradGuard no_grad;
  const Tensor z_n = ops::normal({4, 32, 1, 1}, 9);
  const Tensor mean = model.decoder_encoder_noise(z_n, train::Posterior::mean, 1);
  const Tensor x_hat = model.vae_dec().forward(z_n);
  const auto [mu, logvar] = model.vae_enc().encode(x_hat);
  EXPECT_EQ(mean.to_host(), mu.to_host());
  const auto a = model.decoder_encoder_noise(z_n, train::Posterior::sample, 1).to_host();
  const auto b = model.decoder_encoder_noise(z_n, train::Posterior::sample, 1).to_host();
  const auto c = model.decoder_encoder_noise(z_n, train::Posterior::sample, 2).to_host();
  EXPECT_EQ(a, b) << "the same seed draws the same noise";
  EXPECT_NE(a, c);
  // Each sample is mu + sigma eps: (a - mu) / sigma is the seed's standard normal noise.
  const auto m = mu.to_host(), l = logvar.to_host(), eps = ops::normal({4, 32}, 1).to_host();
  for (size_t i = 0; i < a.size(); ++i)
    EXPECT_NEAR(a[i], m[i] + std::exp(l[i] / 2) * eps[i], 1e-5f) << i;
}

TEST(Degan, SameSeedSameWeightsOtherSeedOthers) {
  DeganModel a = model_of("degan-tiny32"), b = model_of("degan-tiny32"),
             c = model_of("degan-tiny32");
  test::expect_seed_fixes_the_weights(a, b, c);
}

TEST(Degan, InitialisationFollowsTheSpec) {
  DeganModel model = model_of("degan-tiny32");
  model.initialise(3);
  test::expect_initialisation_of_the_spec(model.state());
}

TEST(Degan, ImpossibleSizesAreRejected) {
  for (int r : {0, 16, 48, 512}) {
    EXPECT_THROW(DeganModel(preset_sizes({"bad", r, 32, 8, 16, 16}), Prior::normal), Error) << r;
  }
  for (const Preset& bad : {Preset{"bad", 32, 0, 8, 16, 16}, Preset{"bad", 32, 32, 0, 16, 16},
                            Preset{"bad", 32, 32, 8, 0, 16}, Preset{"bad", 32, 32, 8, 16, 0},
                            Preset{"bad", 128, 32, 3, 16, 16}}) {
    EXPECT_THROW(DeganModel(preset_sizes(bad), Prior::normal), Error) << bad.v;
  }
  EXPECT_THROW(preset_by_name("tiny32"), Error);
}

TEST(Degan, MetadataRebuildsTheModel) {
  DeganModel model = model_of("degan-tiny32");
  const auto metadata = model.metadata();
  EXPECT_EQ(metadata.at("model"), "degan");
  EXPECT_EQ(metadata.at("preset"), "degan-tiny32");
  EXPECT_EQ(metadata.at("prior"), "normal");
  const auto back = build_model(metadata, "test");
  EXPECT_EQ(back->name(), "degan");
  EXPECT_EQ(test::shapes(back->state()), test::shapes(model.state()));
}

}  // namespace
}  // namespace aegan::degan
