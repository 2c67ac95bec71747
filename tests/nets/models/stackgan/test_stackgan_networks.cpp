#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "engine/autograd.hpp"
#include "engine/error.hpp"
#include "engine/ops.hpp"
#include "nets/models/stackgan/networks.hpp"
#include "tests/nets/network_checks.hpp"

namespace aegan::stackgan {
namespace {

// docs/models/stackgan.md, "Parameter counts".
TEST(StackganNetworks, GeneratorCountsMatchTheSpec) {
  const std::map<std::string, std::pair<int64_t, int64_t>> spec = {
      {"sg256", {16472208, 71104}}, {"sg512", {16515240, 71296}}, {"sg-tiny", {951048, -1}}};
  for (const auto& [name, counts] : spec) {
    Generator g(preset_by_name(name));
    EXPECT_EQ(test::parameter_count(g), counts.first) << name;
    if (counts.second >= 0) {
      EXPECT_EQ(test::buffer_count(g), counts.second) << name;
    }
  }
  Generator g(preset_by_name("sg256"));
  const auto parts = test::shapes(g.parameters());
  auto sum = [&](const std::string& prefix) {
    int64_t total = 0;
    for (const auto& [name, tensor] : g.parameters()) {
      if (name.starts_with(prefix)) total += tensor.numel();
    }
    return total;
  };
  EXPECT_EQ(sum("h_net1."), 15879936);
  EXPECT_EQ(sum("h_net2."), 448128);
  EXPECT_EQ(sum("h_net3."), 141120);
  EXPECT_EQ(sum("img_net1."), 1728);
  EXPECT_EQ(sum("img_net2."), 864);
  EXPECT_EQ(sum("img_net3."), 432);
}

// d256 and d512 at df 64 (273 MB and 1.1 GB of weights) are counted by bench.peer_stackgan,
// in a process of their own: here they would leave the device memory pool so large that every
// later test of this process runs several times slower on lavapipe.
TEST(StackganNetworks, DiscriminatorCountsMatchTheSpec) {
  const std::map<int, std::pair<int64_t, int64_t>> spec = {{64, {2765569, 1792}},
                                                           {128, {15875841, 4864}}};
  for (const auto& [size, counts] : spec) {
    const auto d = discriminator(size, 64);
    EXPECT_EQ(test::parameter_count(*d), counts.first) << size;
    EXPECT_EQ(test::buffer_count(*d), counts.second) << size;
  }
  EXPECT_EQ(test::parameter_count(*discriminator(64, 16)), 175297);
  EXPECT_EQ(test::parameter_count(*discriminator(128, 16)), 995265);
  EXPECT_THROW(discriminator(32, 16), Error);
  EXPECT_THROW(discriminator(96, 16), Error);
}

TEST(StackganNetworks, NamesAndShapesAreTheOfficialCodes) {
  Generator g(preset_by_name("sg256"));
  const auto all = test::shapes(g.state());
  // docs/models/stackgan.md's examples, "Checkpoint names", without the net prefix.
  EXPECT_EQ(all.at("h_net1.fc.0.weight"), (Shape{32768, 100}));
  EXPECT_EQ(all.at("h_net1.fc.1.running_mean"), (Shape{32768}));
  EXPECT_EQ(all.at("h_net1.upsample1.1.weight"), (Shape{1024, 1024, 3, 3}));
  EXPECT_EQ(all.at("h_net1.upsample1.2.bias"), (Shape{1024}));
  EXPECT_EQ(all.at("h_net2.jointConv.0.weight"), (Shape{128, 164, 3, 3}));
  EXPECT_EQ(all.at("h_net2.residual.1.block.3.weight"), (Shape{64, 64, 3, 3}));
  EXPECT_EQ(all.at("img_net3.img.0.weight"), (Shape{3, 16, 3, 3}));
  // d256 and d512 at df 16: the spec's shapes at df 64 are four times these widths.
  const auto d256 = test::shapes(discriminator(256, 16)->state());
  EXPECT_EQ(d256.at("img_code_s64_1.0.weight"), (Shape{256, 512, 3, 3}));
  EXPECT_EQ(d256.at("logits.0.bias"), (Shape{1}));
  const auto d64 = test::shapes(discriminator(64, 64)->state());
  EXPECT_EQ(d64.at("img_code_s16.3.running_var"), (Shape{128}));
  EXPECT_EQ(d64.count("img_code_s16.1.weight"), 0u) << "the first conv has no BN";
  const auto d512 = test::shapes(discriminator(512, 16)->state());
  EXPECT_EQ(d512.at("img_code_s128.0.weight"), (Shape{1024, 512, 4, 4}));
  EXPECT_EQ(d512.count("img_code_s128_3.0.weight"), 1u);
  Generator g512(preset_by_name("sg512"));
  const auto big = test::shapes(g512.state());
  EXPECT_EQ(big.at("h_net4.jointConv.0.weight"), (Shape{32, 116, 3, 3}));
  EXPECT_EQ(big.count("h_net4.residual.0.block.0.weight"), 1u);
  EXPECT_EQ(big.count("h_net4.residual.1.block.0.weight"), 0u) << "stage 4 has one ResBlock";
}

TEST(StackganNetworks, ForwardShapesAndRange) {
  Generator g(preset_by_name("sg-tiny"));
  const auto d64 = discriminator(64, 16), d128 = discriminator(128, 16);
  nn::initialise({{"g", &g}, {"d64", d64.get()}, {"d128", d128.get()}}, 1);
  NoGradGuard no_grad;
  for (bool training : {true, false}) {
    g.set_training(training);
    // h_net1's BN1d has one value per channel and image: training needs two images.
    for (int n : {training ? 2 : 1, 3}) {
      const std::vector<Tensor> images = g.images(ops::normal({n, 16}, 2));
      ASSERT_EQ(images.size(), 2u);
      EXPECT_EQ(images[0].shape(), (Shape{n, 3, 64, 64}));
      EXPECT_EQ(images[1].shape(), (Shape{n, 3, 128, 128}));
      for (const Tensor& image : images) {
        const auto pixels = image.to_host();
        const auto [lo, hi] = std::minmax_element(pixels.begin(), pixels.end());
        EXPECT_GE(*lo, -1.0f);
        EXPECT_LE(*hi, 1.0f);
        EXPECT_LT(*lo, *hi);
      }
      EXPECT_EQ(d64->forward(images[0]).shape(), (Shape{n, 1, 1, 1}));
      EXPECT_EQ(d128->forward(images[1]).shape(), (Shape{n, 1, 1, 1}));
    }
  }
}

TEST(StackganNetworks, ImpossibleSizesAreRejected) {
  for (const Preset& bad : {Preset{"bad", 0, 16, 16, 16, 1}, Preset{"bad", 5, 16, 16, 16, 1},
                            Preset{"bad", 2, 6, 16, 16, 1}, Preset{"bad", 2, 16, 0, 16, 1},
                            Preset{"bad", 2, 16, 16, 0, 1}, Preset{"bad", 2, 16, 16, 16, 0}}) {
    EXPECT_THROW(check_preset(bad), Error) << bad.m << " " << bad.gf;
  }
  EXPECT_THROW(preset_by_name("tiny64"), Error);
}

}  // namespace
}  // namespace aegan::stackgan
