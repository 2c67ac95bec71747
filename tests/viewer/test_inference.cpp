#include <gtest/gtest.h>

#include <memory>

#include "engine/ops.hpp"
#include "engine/runtime.hpp"
#include "nets/models/dcgan/model.hpp"
#include "nets/models/registry.hpp"
#include "nets/sampler.hpp"
#include "viewer/core/inference.hpp"
#include "viewer/core/sample_grid.hpp"

namespace aegan::viewer {
namespace {

std::vector<float> first_z(const Model& model, uint64_t seed) {
  return sample_z(1, model.latent_size(), seed, model.prior()).to_host();
}

// A frame shows what `aegan-vk sample` makes of the same z, for every model: the images of
// generate() in its order, and the final one converted for display.
void expect_frame_of_sample(Model& model) {
  Inference inference(model, 1);
  const DisplaySettings display{1, PixelOrder::rgba, true, true};
  const std::vector<float> z = first_z(model, 5);
  inference.run(model, z, display, 0);
  const std::vector<NamedImages> expected =
      generate(model, Tensor::from_host({1, model.latent_size()}, z), 1);
  ASSERT_EQ(inference.images().size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(inference.images()[i].name, expected[i].name);
    EXPECT_EQ(inference.images()[i].images.to_host(), expected[i].images.to_host())
        << model.name() << " " << expected[i].name;
  }
  EXPECT_EQ(inference.image_pixels().width, model.image_size());
  ASSERT_EQ(inference.intermediate_pixels().size(), expected.size() - 1);
  for (const DisplayImage& intermediate : inference.intermediate_pixels()) {
    EXPECT_TRUE(intermediate.pixels.defined());
    EXPECT_EQ(intermediate.width, model.image_size());
  }
  Runtime::get().stream().finish();
}

TEST(Inference, AeganTimesEachNetworkAndShowsTheEmbeddingAndXHat) {
  std::unique_ptr<Model> model = create_model("aegan", model_kind("aegan").preset("tiny64"));
  model->initialise(2);
  model->set_training(false);
  expect_frame_of_sample(*model);
  Inference inference(*model, 1);
  EXPECT_EQ(inference.stages(), (std::vector<std::string>{"G_E", "F", "phi", "convert"}));
  inference.run(*model, first_z(*model, 5), {}, 0);
  EXPECT_TRUE(inference.has_embedding_space());
  EXPECT_EQ(inference.embedding().shape(), (Shape{1, 16, 16, 16}));
  EXPECT_TRUE(inference.embedding_pixels().pixels.defined());
  EXPECT_EQ(inference.formula(0), "F(G_E(z))");
  EXPECT_EQ(inference.formula(1), "phi(F(G_E(z)))");

  EmbeddingWalk walk;
  walk.update(*model, 1, {5, 2, Interpolation::lerp, true, 1.0});
  inference.run(*model, walk, 0.5, {}, 0);
  EXPECT_EQ(inference.formula(1), "phi(F(embedding))");
  Runtime::get().stream().finish();  // the frames' timestamp queries go with the Inference
}

TEST(Inference, DcganIsOneStageWithOneImageFromItsPrior) {
  std::unique_ptr<Model> model = create_model("dcgan", model_kind("dcgan").preset("dcgan-tiny64"));
  model->initialise(2);
  model->set_training(false);
  ASSERT_EQ(model->prior(), Prior::normal);
  expect_frame_of_sample(*model);
  Inference inference(*model, 1);
  EXPECT_EQ(inference.stages(), (std::vector<std::string>{"generate", "convert"}));
  inference.run(*model, first_z(*model, 5), {}, 0);
  EXPECT_FALSE(inference.has_embedding_space());
  EXPECT_FALSE(inference.embedding().defined());
  EXPECT_FALSE(inference.embedding_pixels().pixels.defined());
  EXPECT_EQ(inference.formula(0), "G(z)");
  EmbeddingWalk walk;
  EXPECT_THROW(inference.run(*model, walk, 0.5, {}, 0), Error);
  Runtime::get().stream().finish();

  SampleGrid grid;
  ASSERT_TRUE(grid.update(*model, 1, 2, 9, PixelOrder::rgba));
  const Tensor z = sample_z(2, model->latent_size(), 9, Prior::normal);
  EXPECT_EQ(grid.images().to_host(), generate(*model, z, 2).back().images.to_host());
}

// The shape of a model such as the denoiser (phi after a frozen generator): an intermediate image
// before the final one, and no embedding space.
class TwoImages final : public Model {
 public:
  explicit TwoImages(const ModelSizes& sizes)
      : Model(sizes, Prior::normal), generator_(sizes, Prior::normal) {}
  std::string name() const override { return "two-images"; }
  nn::Networks networks() override { return generator_.networks(); }
  std::vector<TrainingStage> stages() const override { return {}; }
  train::Optimizers make_optimizers(int, const train::TrainConfig&) override { return {}; }
  train::LossValues step(int, train::Optimizers&, const StepInputs&) override { return {}; }
  std::vector<NamedImages> generate(const Tensor& z) override {
    const Tensor x = generator_.generate(z).back().images;
    return {{"baseline", "G(z)", x}, {"image", "phi(G(z))", ops::tanh(x)}};
  }

 private:
  dcgan::DcganModel generator_;
};

TEST(Inference, ShowsTheIntermediateImageOfAModelWithoutAnEmbeddingSpace) {
  TwoImages model(model_kind("dcgan").preset("dcgan-tiny64"));
  model.initialise(2);
  model.set_training(false);
  expect_frame_of_sample(model);
  Inference inference(model, 1);
  EXPECT_EQ(inference.stages(), (std::vector<std::string>{"generate", "convert"}));
  inference.run(model, first_z(model, 5), {}, 0);
  EXPECT_EQ(inference.formula(0), "G(z)");
  EXPECT_EQ(inference.formula(1), "phi(G(z))");
  EXPECT_FALSE(inference.embedding().defined());
  Runtime::get().stream().finish();
}

TEST(Inference, ShowsEveryIntermediateImage) {
  // DE-GAN: the picture of z_n and the VAE's image beside G(z'); StackGAN-v2: its smaller branch.
  for (const char* name : {"degan", "stackgan"}) {
    const ModelKind& kind = model_kind(name);
    std::unique_ptr<Model> model = create_model(name, kind.preset(kind.default_preset));
    model->initialise(2);
    model->set_training(false);
    expect_frame_of_sample(*model);
  }
}

}  // namespace
}  // namespace aegan::viewer
