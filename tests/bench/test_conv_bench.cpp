// The conv benchmark's bookkeeping: work formulas against hand counts, and one real run.
#include <gtest/gtest.h>

#include "bench/conv_bench.hpp"
#include "engine/error.hpp"

namespace aegan::bench {
namespace {

ConvShape tiny64_shape(const std::string& name) {
  for (const ConvLayer& layer : conv_layers(preset_by_name("tiny64"))) {
    if (layer.name == name) return conv_shape(layer);
  }
  throw Error("no layer " + name);
}

TEST(ConvBench, WorkOfAConv) {
  // h.down0.conv: conv 3->16, k4, s2, p1, 64x64 -> 32x32, batch 16.
  const ConvShape shape = tiny64_shape("h.down0.conv");
  EXPECT_EQ(shape.describe(), "conv 3->16 k4 s2 p1 64->32");
  const double macs = 16.0 * 16 * 32 * 32 * 3 * 4 * 4;  // per output: 3 * 4 * 4 taps
  const double floats = 16.0 * 3 * 64 * 64 + 16 * 3 * 4 * 4 + 16.0 * 16 * 32 * 32;
  for (ConvPass pass : kConvPasses) {
    EXPECT_DOUBLE_EQ(pass_work(shape, pass, 16).flops, 2 * macs) << pass_name(pass);
    EXPECT_DOUBLE_EQ(pass_work(shape, pass, 16).bytes, 4 * floats) << pass_name(pass);
  }
}

TEST(ConvBench, WorkOfAConvTransposeWithBias) {
  // phi.dec2.conv: convT 128->64 (+bias), k4, s2, p1, 4x4 -> 8x8, batch 2: every input pixel
  // scatters 64 * 4 * 4 products per input channel.
  const ConvShape shape = tiny64_shape("phi.dec2.conv");
  EXPECT_EQ(shape.describe(), "convT 128->64 k4 s2 p1 +b 4->8");
  const double macs = 2.0 * 4 * 4 * 128 * 64 * 4 * 4;
  EXPECT_DOUBLE_EQ(pass_work(shape, ConvPass::backward_weight, 2).flops, 2 * macs);
  const double floats = 2.0 * 128 * 4 * 4 + 128 * 64 * 4 * 4 + 2.0 * 64 * 8 * 8;
  EXPECT_DOUBLE_EQ(pass_work(shape, ConvPass::backward_data, 2).bytes, 4 * floats);
  EXPECT_DOUBLE_EQ(pass_work(shape, ConvPass::forward, 2).bytes, 4 * (floats + 64));
}

TEST(ConvBench, ReflectLayersAreConvsOfThePaddedInput) {
  const ConvShape shape = tiny64_shape("g_e.up0.res.conv1");
  EXPECT_EQ(shape.describe(), "conv 128->128 k3 s1 p0 6->4");
}

TEST(ConvBench, DistinctShapesKeepEveryLayer) {
  const Preset preset = preset_by_name("tiny64");
  const auto shapes = distinct_conv_shapes(preset);
  size_t layers = 0;
  for (size_t i = 0; i < shapes.size(); ++i) {
    layers += shapes[i].layers.size();
    for (size_t j = 0; j < i; ++j)
      EXPECT_FALSE(shapes[i].same_shape(shapes[j]));
  }
  EXPECT_EQ(layers, conv_layers(preset).size());
  EXPECT_LT(shapes.size(), layers);
}

TEST(ConvBench, LayerNamesSelectShapes) {
  const auto shapes = distinct_conv_shapes(preset_by_name("tiny64"));
  const auto selected = shapes_of_layers(shapes, {"f.up0", "phi.dec5"});
  // f.up0: the two ResBlock convs (one shape, first seen in h) and its convT; phi.dec5: a convT.
  ASSERT_EQ(selected.size(), 3u);
  EXPECT_EQ(selected[0].layers, (std::vector<std::string>{"f.up0.res.conv1", "f.up0.res.conv2"}));
  EXPECT_EQ(selected[1].layers, (std::vector<std::string>{"f.up0.conv"}));
  EXPECT_EQ(selected[2].layers, (std::vector<std::string>{"phi.dec5.conv"}));
  EXPECT_EQ(shapes_of_layers(shapes, {}).size(), shapes.size());
  EXPECT_TRUE(shapes_of_layers(shapes, {"no-such-layer"}).empty());
}

TEST(ConvBench, OneRepetitionOfEveryPass) {
  ConvShape shape = conv_shape({"tiny", false, 3, 5, 3, 2, 1, 9, true, false});
  ConvBenchOptions options;
  options.batch = 2;
  options.repetitions.fixed = 1;
  const ConvBenchResult result = bench_conv({shape}, options);
  EXPECT_EQ(result.shapes_done, 1u);
  ASSERT_EQ(result.measurements.size(), 3u);
  for (const ConvMeasurement& m : result.measurements) {
    EXPECT_EQ(m.timing.repetitions, 1);
    EXPECT_GT(m.timing.seconds, 0);
    EXPECT_GT(m.gflops(), 0);
    EXPECT_GT(m.gbytes_per_second(), 0);
    EXPECT_FALSE(m.kernel.empty());
  }
  EXPECT_DOUBLE_EQ(result.measurements[0].work.flops, 2.0 * 2 * 5 * 5 * 5 * 3 * 3 * 3);
}

TEST(ConvBench, UnknownVariantIsAnError) {
  ConvBenchOptions options;
  options.variants = {"no-such-kernel"};
  EXPECT_THROW(bench_conv({}, options), Error);
}

}  // namespace
}  // namespace aegan::bench
