#include <gtest/gtest.h>

#include <string>

#include "engine/error.hpp"
#include "engine/io/safetensors.hpp"
#include "nets/model_io.hpp"
#include "nets/models/aegan/model.hpp"
#include "nets/models/dcgan/model.hpp"
#include "nets/models/registry.hpp"
#include "tests/nets/data/image_files.hpp"

namespace aegan {
namespace {

TEST(Registry, KnowsAeganAndDcgan) {
  ASSERT_EQ(model_kinds().size(), 2u);
  EXPECT_EQ(model_kind("aegan").default_prior, Prior::uniform);
  EXPECT_EQ(model_kind("aegan").stages.size(), 3u);
  EXPECT_EQ(model_kind("dcgan").default_prior, Prior::normal);
  EXPECT_EQ(model_kind("dcgan").stages.size(), 1u);
  EXPECT_EQ(model_kind("dcgan").stages[0].schedule.epochs, 200);
  EXPECT_EQ(model_kind("dcgan").preset("dcgan-tiny64").at("w"), 16);
}

TEST(Registry, RefusesAnUnknownModelInOneLineListingTheKnownOnes) {
  try {
    model_kind("stackgan");
    FAIL() << "an unknown model must be refused";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(message, "unknown model 'stackgan' (known: aegan, dcgan)");
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

}  // namespace
}  // namespace aegan
