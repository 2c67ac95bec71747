#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "engine/autograd.hpp"
#include "engine/error.hpp"
#include "nets/models/aegan/networks.hpp"
#include "nets/models/dcgan/dcgan.hpp"
#include "tests/nets/network_checks.hpp"

namespace aegan::dcgan {
namespace {

struct Sizes {
  int64_t g_parameters, g_buffers, d_parameters, d_buffers;
};

// docs/models/dcgan.md, "Parameter counts".
const std::map<std::string, Sizes>& spec_sizes() {
  static const std::map<std::string, Sizes> sizes = {
      {"dcgan64", {3576704, 1920, 2765568, 1792}},
      {"dcgan512", {3773696, 2304, 2962560, 2176}},
      {"dcgan-tiny64", {378080, 480, 175296, 448}},
  };
  return sizes;
}

// The output channels of every convolution of `net`, in order.
std::vector<int64_t> widths(const nn::Module& net, bool transposed) {
  std::vector<int64_t> out;
  for (const auto& [name, tensor] : net.parameters()) {
    if (tensor.rank() == 4) out.push_back(tensor.dim(transposed ? 1 : 0));
  }
  return out;
}

TEST(Dcgan, ParameterAndBufferCountsMatchTheSpec) {
  ASSERT_EQ(preset_names().size(), spec_sizes().size());
  for (const std::string& name : preset_names()) {
    Dcgan model(preset_by_name(name));
    const Sizes& want = spec_sizes().at(name);
    EXPECT_EQ(test::parameter_count(model.g()), want.g_parameters) << name;
    EXPECT_EQ(test::buffer_count(model.g()), want.g_buffers) << name;
    EXPECT_EQ(test::parameter_count(model.d()), want.d_parameters) << name;
    EXPECT_EQ(test::buffer_count(model.d()), want.d_buffers) << name;
  }
}

TEST(Dcgan, OtherImageSizesHaveTheSpecsCounts) {
  // docs/models/dcgan.md: "r = 128: G 3,642,368, D 2,831,232; r = 256: G 3,708,032, D 2,896,896".
  Dcgan r128({"r128", 128, 64, 100}), r256({"r256", 256, 64, 100});
  EXPECT_EQ(test::parameter_count(r128.g()), 3642368);
  EXPECT_EQ(test::parameter_count(r128.d()), 2831232);
  EXPECT_EQ(test::parameter_count(r256.g()), 3708032);
  EXPECT_EQ(test::parameter_count(r256.d()), 2896896);
}

TEST(Dcgan, LayerWidthsAreTheSpecs) {
  Dcgan small(preset_by_name("dcgan64")), large(preset_by_name("dcgan512"));
  EXPECT_EQ(widths(small.g(), true), (std::vector<int64_t>{512, 256, 128, 64, 3}));
  EXPECT_EQ(widths(large.g(), true), (std::vector<int64_t>{512, 256, 128, 64, 64, 64, 64, 3}));
  EXPECT_EQ(widths(small.d(), false), (std::vector<int64_t>{64, 128, 256, 512, 1}));
  EXPECT_EQ(widths(large.d(), false), (std::vector<int64_t>{64, 64, 64, 64, 128, 256, 512, 1}));
}

TEST(Dcgan, CheckpointNamesAndShapesFollowTheSpec) {
  Dcgan model(preset_by_name("dcgan512"));
  const auto all = test::shapes(model.state());
  // docs/models/dcgan.md's examples, "Checkpoint names".
  EXPECT_EQ(all.at("g.up0.conv.weight"), (Shape{100, 512, 4, 4}));
  EXPECT_EQ(all.at("g.up0.bn.running_var"), (Shape{512}));
  EXPECT_EQ(all.at("g.up7.conv.weight"), (Shape{64, 3, 4, 4}));
  EXPECT_EQ(all.at("d.down0.conv.weight"), (Shape{64, 3, 4, 4}));
  EXPECT_EQ(all.at("d.down6.bn.weight"), (Shape{512}));
  EXPECT_EQ(all.at("d.head.weight"), (Shape{1, 512, 4, 4}));
  EXPECT_EQ(all.count("g.up7.bn.weight"), 0u) << "G's output layer has no BN";
  EXPECT_EQ(all.count("d.down0.bn.weight"), 0u) << "D's input layer has no BN";
  EXPECT_EQ(all.count("d.head.bias"), 0u);
  for (const auto& [name, shape] : all) {
    EXPECT_TRUE(name.starts_with("g.") || name.starts_with("d.")) << name;
    if (shape.size() == 4) {
      EXPECT_TRUE(name.ends_with(".weight")) << name;
    }
    EXPECT_FALSE(name.ends_with("conv.bias")) << "no convolution has a bias: " << name;
  }
  // Five tensors per BN layer: none in up7, down0 and head.
  EXPECT_EQ(all.size(), size_t{7 * 5 + 1 + 6 * 5 + 2});
}

// The spec's D is docs/models/aegan.md's D_R: both models build it with one function.
TEST(Dcgan, DiscriminatorIsAegansImageDiscriminator) {
  Aegan reference(aegan::preset_by_name("paper512"));
  Dcgan model(preset_by_name("dcgan512"));
  EXPECT_EQ(test::shapes(reference.d_r().state()), test::shapes(model.d().state()));
}

TEST(Dcgan, ForwardShapesAndRange) {
  Dcgan model(preset_by_name("dcgan-tiny64"));
  model.initialise(1);
  NoGradGuard no_grad;
  for (bool training : {true, false}) {
    model.set_training(training);
    for (int n : {1, 3}) {
      std::vector<float> values(static_cast<size_t>(n) * 100);
      for (size_t i = 0; i < values.size(); ++i)
        values[i] = static_cast<float>((i * 37) % 17) / 4.0f - 2.0f;
      const Tensor z = Tensor::from_host({n, 100}, values);
      const Tensor image = model.generate(z);
      ASSERT_EQ(image.shape(), (Shape{n, 3, 64, 64})) << training;
      const auto pixels = image.to_host();
      const auto [lo, hi] = std::minmax_element(pixels.begin(), pixels.end());
      EXPECT_GE(*lo, -1.0f);
      EXPECT_LE(*hi, 1.0f);
      EXPECT_LT(*lo, *hi) << "G's output is not constant";
      EXPECT_EQ(model.g().forward(z.reshape({n, 100, 1, 1})).to_host(), pixels);
      EXPECT_EQ(model.d().forward(image).shape(), (Shape{n, 1, 1, 1})) << training;
    }
  }
}

TEST(Dcgan, SameSeedSameWeightsOtherSeedOthers) {
  const Preset tiny = preset_by_name("dcgan-tiny64");
  Dcgan a(tiny), b(tiny), c(tiny);
  test::expect_seed_fixes_the_weights(a, b, c);
}

TEST(Dcgan, InitialisationFollowsTheSpec) {
  Dcgan model(preset_by_name("dcgan-tiny64"));
  model.initialise(3);
  test::expect_initialisation_of_the_spec(model.state());
}

TEST(Dcgan, ImpossibleSizesAreRejected) {
  for (int r : {0, 32, 96, 1024}) {
    EXPECT_THROW(Dcgan({"bad", r, 16, 100}), Error) << r;
  }
  EXPECT_THROW(Dcgan({"bad", 64, 0, 100}), Error);
  EXPECT_THROW(Dcgan({"bad", 64, 16, 0}), Error);
  EXPECT_THROW(preset_by_name("tiny64"), Error) << "AEGAN's preset is not DCGAN's";
}

TEST(Dcgan, MetadataNamesTheModelAndItsSizes) {
  io::Safetensors file;
  file.metadata = preset_metadata(preset_by_name("dcgan512"));
  EXPECT_EQ(file.metadata.at("model"), "dcgan");
  const Preset back = preset_from_metadata(file);
  EXPECT_EQ(back.name, "dcgan512");
  EXPECT_EQ(back.r, 512);
  EXPECT_EQ(back.w, 64);
  EXPECT_EQ(back.nz, 100);
  file.metadata.erase("model");
  EXPECT_THROW(preset_from_metadata(file), Error);
}

}  // namespace
}  // namespace aegan::dcgan
