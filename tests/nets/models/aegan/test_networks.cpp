#include <gtest/gtest.h>

#include <map>

#include "engine/autograd.hpp"
#include "engine/error.hpp"
#include "nets/conv_layers.hpp"
#include "nets/models/aegan/networks.hpp"
#include "tests/nets/network_checks.hpp"
#include "tests/support/compare.hpp"

namespace aegan {
namespace {

using test::parameter_count;

std::map<std::string, Shape> shapes(Aegan& model) {
  return test::shapes(model.state());
}

TEST(Networks, Paper512ParameterCountsMatchTheSpec) {
  Aegan model(preset_by_name("paper512"));
  // docs/models/aegan.md and issue 3, in millions, to the two decimals given there.
  const std::map<std::string, double> expected = {{"g_e", 9.77}, {"h", 0.42},   {"f", 0.42},
                                                  {"d_e", 2.76}, {"d_r", 2.96}, {"phi", 47.47}};
  for (auto [name, net] : model.networks()) {
    const double millions = static_cast<double>(parameter_count(*net)) / 1e6;
    EXPECT_NEAR(millions, expected.at(name), 0.005) << name;
  }
}

TEST(Networks, CheckpointNamesAndShapesFollowTheSpec) {
  Aegan model(preset_by_name("paper512"));
  const auto all = shapes(model);
  EXPECT_EQ(all.at("g_e.up0.conv.weight"), (Shape{100, 512, 4, 4}));
  EXPECT_EQ(all.at("g_e.up0.res.bn2.running_var"), (Shape{512}));
  EXPECT_EQ(all.at("d_r.head.weight"), (Shape{1, 512, 4, 4}));
  EXPECT_EQ(all.at("phi.enc0.conv.bias"), (Shape{64}));
  EXPECT_EQ(all.at("h.down3.conv.weight"), (Shape{64, 64, 4, 4}));
  EXPECT_EQ(all.count("h.down0.bn.weight"), 0u) << "down0 of H has no BN";
  EXPECT_EQ(all.count("phi.enc8.bn.weight"), 0u) << "the innermost encoder layer has no BN";
  EXPECT_EQ(all.count("d_r.down0.bn.weight"), 0u);
  EXPECT_EQ(all.count("g_e.up0.conv.bias"), 0u) << "only phi's convolutions have a bias";
}

// The layer table used by the benchmarks is written independently from the spec; both must agree.
TEST(Networks, EveryConvolutionMatchesTheLayerTable) {
  for (const char* preset : {"tiny64", "paper512"}) {
    Aegan model(preset_by_name(preset));
    const auto all = shapes(model);
    size_t weights = 0;
    for (const auto& [name, shape] : all) {
      weights += shape.size() == 4 ? 1 : 0;
    }
    const auto layers = conv_layers(model.preset());
    EXPECT_EQ(layers.size(), weights) << preset;
    for (const ConvLayer& layer : layers) {
      const Shape weight = layer.transposed ? Shape{layer.cin, layer.cout, layer.k, layer.k}
                                            : Shape{layer.cout, layer.cin, layer.k, layer.k};
      ASSERT_TRUE(all.count(layer.name + ".weight")) << layer.name;
      EXPECT_EQ(all.at(layer.name + ".weight"), weight) << layer.name;
      EXPECT_EQ(all.count(layer.name + ".bias") == 1, layer.bias) << layer.name;
    }
  }
}

TEST(Networks, Tiny64ForwardShapes) {
  Aegan model(preset_by_name("tiny64"));
  model.initialise(1);
  NoGradGuard no_grad;
  const Tensor x = Tensor::zeros({2, 3, 64, 64});
  const Tensor z = Tensor::full({2, 100, 1, 1}, 0.5f);
  const Tensor e = model.h().forward(x);
  EXPECT_EQ(e.shape(), (Shape{2, 16, 16, 16}));
  EXPECT_EQ(model.f().forward(e).shape(), (Shape{2, 3, 64, 64}));
  EXPECT_EQ(model.g_e().forward(z).shape(), (Shape{2, 16, 16, 16}));
  EXPECT_EQ(model.d_e().forward(e).shape(), (Shape{2, 1, 1, 1}));
  EXPECT_EQ(model.d_r().forward(x).shape(), (Shape{2, 1, 1, 1}));
  EXPECT_EQ(model.phi().forward(x).shape(), (Shape{2, 3, 64, 64}));
  EXPECT_EQ(model.generate(z.reshape({2, 100})).shape(), (Shape{2, 3, 64, 64}));
}

TEST(Networks, SameSeedSameWeightsOtherSeedOthers) {
  Aegan a(preset_by_name("tiny64")), b(preset_by_name("tiny64")), c(preset_by_name("tiny64"));
  test::expect_seed_fixes_the_weights(a, b, c);
}

TEST(Networks, InitialisationFollowsTheSpec) {
  Aegan model(preset_by_name("tiny64"));
  model.initialise(3);
  test::expect_initialisation_of_the_spec(model.state());
}

// phi as docs/models/aegan.md writes it, from the model's own parameters: each level starts with
// its activation, dropout follows batch norm. Batch norm's running statistics are copied, so that
// the model's own forward pass finds them as they were.
Tensor denoiser_as_specified(Aegan& model, const Tensor& x, bool training, uint64_t dropout_seed) {
  std::map<std::string, Tensor> state;
  for (const auto& [name, tensor] : model.phi().state())
    state[name] = tensor;
  auto copy = [](const Tensor& t) { return Tensor::from_host(t.shape(), t.to_host()); };
  auto batch_norm = [&](const Tensor& h, const std::string& level) {
    return ops::batch_norm2d(h, state[level + ".bn.weight"], state[level + ".bn.bias"],
                             copy(state[level + ".bn.running_mean"]),
                             copy(state[level + ".bn.running_var"]), training);
  };
  const int n = 6;  // log2(64)
  Tensor h = x;
  for (int i = 0; i < n; ++i) {
    const std::string level = "enc" + std::to_string(i);
    if (i > 0) h = ops::leaky_relu(h, 0.2f);
    h = ops::conv2d(h, state[level + ".conv.weight"], state[level + ".conv.bias"], {2, 1});
    if (i >= 1 && i <= n - 2) h = batch_norm(h, level);
  }
  for (int j = 0; j < n; ++j) {
    const std::string level = "dec" + std::to_string(j);
    h = ops::relu(h);
    h = ops::conv_transpose2d(h, state[level + ".conv.weight"], state[level + ".conv.bias"],
                              {2, 1});
    if (j <= n - 2) h = batch_norm(h, level);
    if (j <= 2) {
      h = ops::dropout(h, 0.5f, dropout_seed + 0x9e3779b97f4a7c15ull * (j + 1), training);
    }
  }
  return ops::tanh(h);
}

TEST(Networks, DenoiserComputesTheSpecsOrderOfLayers) {
  // nets/networks.cpp ends each level with the activation the spec starts the next one with,
  // and puts dropout after it: the same function, bit for bit, in training.
  Aegan model(preset_by_name("tiny64"));
  model.initialise(3);
  NoGradGuard no_grad;
  const auto values = reference::random_tensor({2, 3, 64, 64}, 7, -1.0, 1.0);
  const Tensor x = Tensor::from_host({2, 3, 64, 64}, reference::to_float(values));
  model.set_dropout_seed(11);
  const Tensor want = denoiser_as_specified(model, x, true, 11);
  EXPECT_EQ(model.phi().forward(x).to_host(), want.to_host());
  // In evaluation the convolutions fold batch norm into their weights: equal within rounding.
  model.phi().set_training(false);
  EXPECT_TRUE(test::close(
      model.phi().forward(x),
      reference::from_float({2, 3, 64, 64}, denoiser_as_specified(model, x, false, 0).to_host())));
}

TEST(Networks, ImpossibleSizesAreRejected) {
  Preset p = preset_by_name("tiny64");
  p.r = 96;
  EXPECT_THROW(Aegan{p}, Error);
  p = preset_by_name("tiny64");
  p.es = 32;
  EXPECT_THROW(Aegan{p}, Error);
  p = preset_by_name("tiny64");
  p.w = 0;
  EXPECT_THROW(Aegan{p}, Error);
}

}  // namespace
}  // namespace aegan
