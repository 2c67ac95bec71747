// The convolution list of every network against docs/models/aegan.md: layer counts, named shapes,
// and the parameter and multiply-accumulate counts the spec states for paper512.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "nets/conv_layers.hpp"

namespace aegan {
namespace {

std::string net_of(const ConvLayer& layer) {
  return layer.name.substr(0, layer.name.find('.'));
}

const ConvLayer& find(const std::vector<ConvLayer>& layers, const std::string& name) {
  for (const auto& layer : layers) {
    if (layer.name == name) return layer;
  }
  throw Error("no layer " + name);
}

// Multiply-accumulates per image: a Conv's per output pixel, a ConvT's per input pixel.
long long macs(const ConvLayer& layer) {
  const long long pixels = layer.transposed ? layer.in_size : layer.out_size();
  return static_cast<long long>(layer.cin) * layer.cout * layer.k * layer.k * pixels * pixels;
}

TEST(ConvLayers, Paper512LayerCounts) {
  std::map<std::string, int> counts;
  for (const auto& layer : conv_layers(preset_by_name("paper512")))
    ++counts[net_of(layer)];
  const std::map<std::string, int> want{{"g_e", 10}, {"h", 10},  {"f", 10},
                                        {"d_e", 4},  {"d_r", 8}, {"phi", 18}};
  EXPECT_EQ(counts, want);
}

TEST(ConvLayers, Paper512NamedShapes) {
  const auto layers = conv_layers(preset_by_name("paper512"));
  using Shape = std::vector<int64_t>;
  EXPECT_EQ(find(layers, "g_e.up0.conv").weight_shape(), (Shape{100, 512, 4, 4}));
  EXPECT_EQ(find(layers, "g_e.up0.res.conv2").weight_shape(), (Shape{512, 512, 3, 3}));
  EXPECT_TRUE(find(layers, "g_e.up0.res.conv2").reflect);
  EXPECT_EQ(find(layers, "g_e.up3.conv").weight_shape(), (Shape{128, 64, 4, 4}));
  EXPECT_EQ(find(layers, "g_e.up3.conv").out_size(), 32);
  EXPECT_EQ(find(layers, "h.down0.conv").weight_shape(), (Shape{64, 3, 4, 4}));
  EXPECT_EQ(find(layers, "h.down3.conv").out_size(), 32);
  EXPECT_EQ(find(layers, "f.up3.conv").weight_shape(), (Shape{64, 3, 4, 4}));
  EXPECT_EQ(find(layers, "f.up3.conv").out_size(), 512);
  EXPECT_EQ(find(layers, "d_e.down0.conv").weight_shape(), (Shape{128, 64, 4, 4}));
  EXPECT_EQ(find(layers, "d_e.head").weight_shape(), (Shape{1, 512, 4, 4}));
  EXPECT_EQ(find(layers, "d_e.head").out_size(), 1);
  EXPECT_EQ(find(layers, "d_r.down3.conv").weight_shape(), (Shape{64, 64, 4, 4}));
  EXPECT_EQ(find(layers, "d_r.down4.conv").weight_shape(), (Shape{128, 64, 4, 4}));
  EXPECT_EQ(find(layers, "d_r.head").weight_shape(), (Shape{1, 512, 4, 4}));
  EXPECT_EQ(find(layers, "phi.enc0.conv").cout, 64);
  EXPECT_TRUE(find(layers, "phi.enc0.conv").bias);
  EXPECT_EQ(find(layers, "phi.enc8.conv").out_size(), 1);
  EXPECT_EQ(find(layers, "phi.dec0.conv").weight_shape(), (Shape{512, 512, 4, 4}));
  EXPECT_EQ(find(layers, "phi.dec8.conv").weight_shape(), (Shape{64, 3, 4, 4}));
  EXPECT_EQ(find(layers, "phi.dec8.conv").out_size(), 512);
  for (const auto& layer : layers) {
    EXPECT_EQ(layer.bias, net_of(layer) == "phi") << layer.name;
  }
}

TEST(ConvLayers, Paper512CostsMatchTheSpec) {
  std::map<std::string, double> cost;
  std::map<std::string, long long> parameters;
  for (const auto& layer : conv_layers(preset_by_name("paper512"))) {
    cost[net_of(layer)] += static_cast<double>(macs(layer));
    parameters[net_of(layer)] += layer.parameter_count();
  }
  EXPECT_NEAR(cost["g_e"] / 1e9, 0.33, 0.005);
  EXPECT_NEAR(cost["f"] / 1e9, 7.95, 0.005);
  EXPECT_NEAR(cost["phi"] / 1e9, 16.2, 0.1);
  // phi's BN layers: enc1..enc7 (128, 256, 512 x5) and dec0..dec7 (512 x5, 256, 128, 64),
  // each with a weight and a bias per channel.
  const long long batch_norm = 2 * (128 + 256 + 5 * 512) + 2 * (5 * 512 + 256 + 128 + 64);
  EXPECT_EQ(parameters["phi"] + batch_norm, 47'472'643);
}

TEST(ConvLayers, Tiny64ChainsFitTogether) {
  const auto layers = conv_layers(preset_by_name("tiny64"));
  EXPECT_EQ(layers.size(), 35u);
  // Within a network, each layer takes the previous one's output (a ResBlock keeps its input).
  for (size_t i = 1; i < layers.size(); ++i) {
    const auto& previous = layers[i - 1];
    const auto& layer = layers[i];
    if (net_of(previous) != net_of(layer)) continue;
    EXPECT_EQ(layer.cin, previous.cout) << layer.name;
    EXPECT_EQ(layer.in_size, previous.out_size()) << layer.name;
  }
  EXPECT_EQ(find(layers, "g_e.up2.conv").out_size(), 16);
  EXPECT_EQ(find(layers, "f.up1.conv").out_size(), 64);
  EXPECT_EQ(find(layers, "d_r.down3.conv").cout, 128);
}

TEST(ConvLayers, UnknownPresetThrows) {
  EXPECT_THROW(preset_by_name("huge"), Error);
}

}  // namespace
}  // namespace aegan
