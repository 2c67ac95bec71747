#include <gtest/gtest.h>

#include <string>

#include "engine/error.hpp"
#include "engine/init.hpp"
#include "engine/io/safetensors.hpp"
#include "nets/model_io.hpp"
#include "nets/models/aegan/model.hpp"
#include "nets/models/dcgan/model.hpp"
#include "nets/models/registry.hpp"
#include "tests/nets/data/image_files.hpp"

namespace aegan {
namespace {

Tensor draw_latents_for_test(Model& model) {
  Rng rng(1);
  return draw_latents({2, model.latent_size(), 1, 1}, model.prior(), rng);
}

TEST(Registry, KnowsEveryModel) {
  ASSERT_EQ(model_kinds().size(), 5u);
  EXPECT_TRUE(model_kind("denoiser").on_generator);
  EXPECT_FALSE(model_kind("dcgan").on_generator);
  EXPECT_EQ(model_kind("denoiser").preset("paper512").at("w"), 64);
  EXPECT_EQ(model_kind("aegan").default_prior, Prior::uniform);
  EXPECT_EQ(model_kind("aegan").stages.size(), 3u);
  EXPECT_EQ(model_kind("dcgan").default_prior, Prior::normal);
  EXPECT_EQ(model_kind("dcgan").stages.size(), 1u);
  EXPECT_EQ(model_kind("dcgan").stages[0].schedule.epochs, 200);
  EXPECT_EQ(model_kind("dcgan").preset("dcgan-tiny64").at("w"), 16);
  EXPECT_FALSE(model_kind("degan").on_generator);
  EXPECT_EQ(model_kind("degan").default_prior, Prior::normal);
  EXPECT_EQ(model_kind("degan").default_batch, 64);
  ASSERT_EQ(model_kind("degan").stages.size(), 2u);
  EXPECT_FALSE(model_kind("degan").stages[0].generates) << "stage 1 trains the VAE on images";
  EXPECT_EQ(model_kind("degan").stages[0].schedule.lr, 1e-3);
  EXPECT_EQ(model_kind("degan").stages[1].schedule.epochs, 25);
  EXPECT_EQ(model_kind("degan").preset("degan-tiny32").at("r"), 32);
  EXPECT_EQ(model_kind("stackgan").default_batch, 24);
  EXPECT_EQ(model_kind("stackgan").default_preset, "sg-tiny");
  EXPECT_EQ(model_kind("stackgan").preset("sg512").at("r"), 512);
  EXPECT_EQ(model_kind("stackgan").stages[0].schedule.epochs, 600);
}

TEST(Registry, RefusesAnUnknownModelInOneLineListingTheKnownOnes) {
  try {
    model_kind("biggan");
    FAIL() << "an unknown model must be refused";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(message, "unknown model 'biggan' (known: aegan, dcgan, degan, stackgan, denoiser)");
  }
}

TEST(Registry, CheckpointWithoutAModelKeyLoadsAsAegan) {
  const test::TempDir dir;
  Aegan networks(preset_by_name("tiny64"));
  networks.initialise(3);
  io::Safetensors file;
  // The metadata AEGAN checkpoints had before there were other models.
  file.metadata = {{"preset", "tiny64"}, {"r", "64"}, {"es", "16"},
                   {"ec", "16"},         {"w", "16"}, {"nz", "100"}};
  store_tensors(networks.state(), file);
  io::write_safetensors(dir.path() / "old.safetensors", file);

  const auto model = load_model(dir.path() / "old.safetensors");
  EXPECT_EQ(model->name(), "aegan");
  EXPECT_EQ(model->prior(), Prior::uniform);
  EXPECT_EQ(model->sizes().at("es"), 16);
  EXPECT_TRUE(model->has_encoder());
  const auto restored = model->state();
  const auto original = networks.state();
  ASSERT_EQ(restored.size(), original.size());
  for (size_t i = 0; i < original.size(); ++i)
    EXPECT_EQ(restored[i].second.to_host(), original[i].second.to_host()) << original[i].first;
}

TEST(Registry, AeganReadersRefuseADcganFile) {
  dcgan::DcganModel model(model_kind("dcgan").preset("dcgan-tiny64"), Prior::normal);
  io::Safetensors file;
  file.metadata = model.metadata();
  file.source = "d.safetensors";
  EXPECT_EQ(model_name(file), "dcgan");
  try {
    preset_from_metadata(file);
    FAIL() << "a DCGAN file is not an AEGAN one";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "d.safetensors holds a dcgan model, not AEGAN");
  }
}

std::vector<std::vector<float>> values(const nn::NamedTensors& tensors) {
  std::vector<std::vector<float>> out;
  for (const auto& [name, tensor] : tensors)
    out.push_back(tensor.to_host());
  return out;
}

// The denoiser's checkpoint rebuilds the model with its generator from the file alone, and its
// fresh weights leave the generator's as they were.
TEST(Registry, DenoiserOnADcganRebuildsFromItsOwnFile) {
  const test::TempDir dir;
  auto generator = create_model("dcgan", model_kind("dcgan").preset("dcgan-tiny64"));
  generator->initialise(5);
  const auto generator_values = values(generator->state());
  auto model = create_model("denoiser", model_kind("denoiser").preset("tiny64"), std::nullopt,
                            std::move(generator));
  model->initialise(6);
  EXPECT_EQ(model->prior(), Prior::normal);
  EXPECT_EQ(model->image_size(), 64);
  EXPECT_EQ(model->latent_size(), 100);
  const auto state = model->state();
  std::vector<std::vector<float>> base;
  for (const auto& [name, tensor] : state) {
    if (name.starts_with("base.")) base.push_back(tensor.to_host());
  }
  EXPECT_EQ(base, generator_values);

  io::Safetensors file;
  file.metadata = model->metadata();
  EXPECT_EQ(file.metadata.at("base.model"), "dcgan");
  EXPECT_EQ(file.metadata.at("base.preset"), "dcgan-tiny64");
  store_tensors(state, file);
  io::write_safetensors(dir.path() / "denoiser.safetensors", file);
  const auto loaded = load_model(dir.path() / "denoiser.safetensors");
  EXPECT_EQ(loaded->name(), "denoiser");
  EXPECT_EQ(loaded->sizes().at("w"), 16);
  EXPECT_EQ(values(loaded->state()), values(state));
  const auto images = loaded->generate(draw_latents_for_test(*loaded));
  ASSERT_EQ(images.size(), 2u);
  EXPECT_EQ(images[0].name, "baseline");
  EXPECT_EQ(images[0].label, "G(z)");
  EXPECT_EQ(images[1].label, "phi(G(z))");

  std::erase_if(file.metadata, [](const auto& entry) { return entry.first.starts_with("base."); });
  try {
    build_model(file.metadata, "x.safetensors");
    FAIL() << "a denoiser needs its generator";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "x.safetensors: a denoiser without its generator");
  }
}

}  // namespace
}  // namespace aegan
