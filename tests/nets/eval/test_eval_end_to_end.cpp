#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "engine/io/safetensors.hpp"
#include "nets/data/image_set.hpp"
#include "nets/eval/evaluate.hpp"
#include "nets/eval/sources.hpp"
#include "nets/model_io.hpp"
#include "nets/models/aegan/model.hpp"
#include "nets/models/registry.hpp"
#include "tests/nets/data/image_files.hpp"
#include "tests/nets/eval/eval_images.hpp"

namespace aegan::eval {
namespace {

// Writes the images as PNG files 0.png, 1.png, ... (8-bit RGB) under `folder`.
void write_folder(const std::filesystem::path& folder, const Images& images) {
  const int s = images.size;
  for (int64_t i = 0; i < images.count; ++i) {
    std::vector<uint8_t> rgb;
    for (int p = 0; p < s * s; ++p) {
      for (int c = 0; c < 3; ++c) {
        const float v = images.image(i)[c * s * s + p];
        rgb.push_back(static_cast<uint8_t>(std::lround((v + 1) * 127.5f)));
      }
    }
    test::write_png(folder / (std::to_string(i) + ".png"), s, s, 3, rgb);
  }
}

// A freshly initialised tiny64 model, saved and loaded back the way `aegan-vk eval` reads one.
std::unique_ptr<Model> saved_and_loaded_model(const std::filesystem::path& file) {
  Aegan model(preset_by_name("tiny64"));
  model.initialise(11);
  io::Safetensors out;
  out.metadata = preset_metadata(model.preset());
  store_tensors(model.state(), out);
  io::write_safetensors(file, out);
  return load_model(file);
}

Images load(const std::filesystem::path& folder) {
  return load_images(data::ImageSet::open(folder, {.resolution = 64}), 100, 1);
}

EvalOptions small_options() {
  EvalOptions options;
  options.swd.patches_per_image = 32;
  options.swd.directions = 128;
  options.diversity_pairs = 10;
  options.batch = 4;
  return options;
}

TEST(EvalEndToEnd, IdenticalFoldersScoreZeroAndDifferentOnesDoNot) {
  const test::TempDir dir;
  const Images waves = test::wave_images(6, 64, 1);
  write_folder(dir.path() / "a", waves);
  write_folder(dir.path() / "b", waves);
  write_folder(dir.path() / "c", test::shifted(test::blurred(waves), 2, 0.5f));
  auto model = saved_and_loaded_model(dir.path() / "model.safetensors");

  const Images a = load(dir.path() / "a"), b = load(dir.path() / "b"), c = load(dir.path() / "c");
  ASSERT_EQ(a.count, 6);
  const EvalOptions options = small_options();
  const EvalReport same = evaluate(*model, {"a", "a"}, a, {"b", "b"}, b, options);
  EXPECT_EQ(same.swd.average, 0.0);
  ASSERT_TRUE(same.fd_h);
  EXPECT_NEAR(*same.fd_h, 0.0, 1e-6);
  EXPECT_EQ(same.first_diversity->mean_ms_ssim, same.second_diversity->mean_ms_ssim);

  const EvalReport different = evaluate(*model, {"a", "a"}, a, {"c", "c"}, c, options);
  EXPECT_GT(different.swd.average, 1.0);
  ASSERT_TRUE(different.fd_h);
  EXPECT_GT(*different.fd_h, 1e-4);
  EXPECT_EQ(different.resolution, 64);
  EXPECT_EQ(different.fd_h_dims, 4 * 16);
  EXPECT_EQ(different.swd.resolutions, (std::vector<int>{64, 32, 16}));
  EXPECT_NE(to_json(different, options).dump().find("not FID"), std::string::npos);
  EXPECT_NE(format_table(different).find("FD-H"), std::string::npos);
}

TEST(EvalEndToEnd, GeneratedSamplesAgainstAFolder) {
  const test::TempDir dir;
  write_folder(dir.path() / "data", test::wave_images(4, 64, 2));
  auto model = saved_and_loaded_model(dir.path() / "model.safetensors");
  const GeneratedImages both = generate_images(*model, 3, 5, 2);
  const Images& generated = both.image();
  ASSERT_EQ(both.parts.size(), 2u);
  ASSERT_EQ(both.parts[0].name, "x_hat");
  const Images& x_hat = both.parts[0].images;
  ASSERT_EQ(generated.count, 3);
  ASSERT_EQ(generated.data.size(), 3u * 3 * 64 * 64);
  ASSERT_EQ(x_hat.count, 3);
  ASSERT_EQ(x_hat.data.size(), generated.data.size());
  EXPECT_NE(x_hat.data, generated.data);
  for (const Images* images : {&x_hat, &generated}) {
    EXPECT_TRUE(std::all_of(images->data.begin(), images->data.end(),
                            [](float v) { return v >= -1 && v <= 1; }));
  }

  EvalReport report = evaluate(*model, {"generated", "z"}, generated, {"data", "d"},
                               load(dir.path() / "data"), small_options());
  EXPECT_EQ(report.first.count, 3);
  EXPECT_EQ(report.second.count, 4);
  EXPECT_GT(report.swd.average, 0.0);
  ASSERT_TRUE(report.fd_h);
  EXPECT_GT(*report.fd_h, 0.0);
  EXPECT_EQ(to_json(report, small_options()).count("swd_x_hat"), 0u);
  report.swd_intermediate = {
      "x_hat", "x_hat", sliced_wasserstein(x_hat, load(dir.path() / "data"), small_options().swd)};
  const SwdResult& before = report.swd_intermediate->swd;
  EXPECT_GT(before.average, 0.0);
  EXPECT_NE(before.average, report.swd.average);
  EXPECT_EQ(to_json(report, small_options())["swd_x_hat"]["average_x1e3"].get<double>(),
            before.average);
  EXPECT_NE(format_table(report).find("SWD x1e3 average of x_hat"), std::string::npos);
}

}  // namespace
}  // namespace aegan::eval
