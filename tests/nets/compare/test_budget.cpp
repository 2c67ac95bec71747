#include <gtest/gtest.h>

#include "engine/error.hpp"
#include "nets/compare/budget.hpp"
#include "nets/compare/comparison.hpp"
#include "nets/models/registry.hpp"

namespace aegan::compare {
namespace {

TEST(CompareBudget, SplitsImagesOverStagesByDefaultEpochs) {
  // AEGAN: 100, 200 and 0 epochs.
  const std::vector<train::StageSchedule> aegan =
      budget_schedules(model_kind("aegan").stages, 4800, 16);
  ASSERT_EQ(aegan.size(), 3u);
  EXPECT_EQ(aegan[0].steps, 100);
  EXPECT_EQ(aegan[1].steps, 200);
  EXPECT_EQ(aegan[2].steps, 0);
  EXPECT_EQ(aegan[2].epochs, 0);
  EXPECT_EQ(aegan[0].lr, model_kind("aegan").stages[0].schedule.lr);
  EXPECT_EQ(scheduled_images(aegan, 16), 4800);
  // Shares round to whole steps (1000 / 3 / 7 = 47.6, 2000 / 3 / 7 = 95.2), and none is empty.
  const std::vector<train::StageSchedule> odd =
      budget_schedules(model_kind("aegan").stages, 1000, 7);
  EXPECT_EQ(odd[0].steps, 48);
  EXPECT_EQ(odd[1].steps, 95);
  const std::vector<train::StageSchedule> tiny =
      budget_schedules(model_kind("aegan").stages, 3, 64);
  EXPECT_EQ(tiny[0].steps, 1);
  EXPECT_EQ(tiny[1].steps, 1);
  EXPECT_EQ(budget_schedules(model_kind("dcgan").stages, 640, 64)[0].steps, 10);
  EXPECT_THROW(budget_schedules(model_kind("dcgan").stages, 0, 64), Error);
  EXPECT_THROW(budget_schedules(model_kind("dcgan").stages, 64, 0), Error);
}

CompareOptions with_models(std::vector<std::string> models) {
  CompareOptions options;
  options.models = std::move(models);
  options.images = 100;
  return options;
}

TEST(CompareContenders, OneRowPerModelAndADenoiserAfterEachBaseline) {
  CompareOptions options = with_models({"aegan", "dcgan"});
  std::vector<Contender> rows = contenders(options);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].name, "aegan");
  EXPECT_EQ(rows[0].preset, model_kind("aegan").default_preset);
  EXPECT_EQ(rows[1].preset, model_kind("dcgan").default_preset);
  options.denoise = true;
  options.presets = {{"dcgan", "dcgan64"}, {"denoiser", "tiny64"}};
  rows = contenders(options);
  ASSERT_EQ(rows.size(), 3u);  // AEGAN has its own phi
  EXPECT_EQ(rows[1].preset, "dcgan64");
  EXPECT_EQ(rows[2].name, "dcgan+phi");
  EXPECT_EQ(rows[2].model, "denoiser");
  EXPECT_EQ(rows[2].preset, "tiny64");
  EXPECT_EQ(rows[2].base, "dcgan");
  // Unnamed, the denoiser's preset is the one of its baseline's image size.
  options.presets = {{"dcgan", "dcgan512"}};
  EXPECT_EQ(contenders(options)[2].preset, "paper512");
  options.presets = {{"dcgan", "dcgan-tiny64"}};
  EXPECT_EQ(contenders(options)[2].preset, "tiny64");
}

TEST(CompareContenders, RefuseWhatCannotBeCompared) {
  EXPECT_THROW(contenders(with_models({"aegan", "stylegan"})), Error);
  EXPECT_THROW(contenders(with_models({"denoiser"})), Error);
  EXPECT_THROW(contenders(with_models({"dcgan", "dcgan"})), Error);
  EXPECT_THROW(contenders(with_models({})), Error);
  CompareOptions options = with_models({"dcgan"});
  options.presets = {{"aegan", "tiny64"}};
  EXPECT_THROW(contenders(options), Error);  // a preset of a model not compared
  options.presets = {{"dcgan", "huge"}};
  EXPECT_THROW(contenders(options), Error);
  options.presets.clear();
  options.learning_rates = {{{"dcgan", 2}, 1e-3}};
  EXPECT_THROW(contenders(options), Error);  // DCGAN has one stage
  options.learning_rates = {{{"dcgan", 1}, -1e-3}};
  EXPECT_THROW(contenders(options), Error);
  options.learning_rates = {{{"denoiser", 1}, 1e-3}};
  EXPECT_THROW(contenders(options), Error);  // no --denoise
  options.denoise = true;
  EXPECT_NO_THROW(contenders(options));
  options.learning_rates.clear();
  options.images.reset();
  EXPECT_THROW(contenders(options), Error);  // no budget
  options.minutes = 0.0;
  EXPECT_THROW(contenders(options), Error);
  options.minutes = 1.0;
  EXPECT_NO_THROW(contenders(options));
  options.images = 0;
  EXPECT_THROW(contenders(options), Error);
}

}  // namespace
}  // namespace aegan::compare
