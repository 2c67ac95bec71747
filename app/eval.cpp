#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "app/commands.hpp"
#include "app/model_options.hpp"
#include "engine/error.hpp"
#include "engine/io/safetensors.hpp"
#include "nets/data/image_set.hpp"
#include "nets/eval/evaluate.hpp"
#include "nets/eval/sources.hpp"
#include "nets/models/registry.hpp"
#include "nets/report/progress.hpp"
#include "nets/train/checkpoint.hpp"

namespace aegan::app {
namespace {

struct EvalFlags {
  std::string checkpoint, data, against, json;
  std::string background;  // empty: as the checkpoint was trained, else black
  std::optional<bool> center_crop;
  int64_t count = 0;  // 0: min(1000, images in --data)
  uint64_t seed = 1;
  int64_t batch = 16;
  int64_t pairs = 500;
  int patches = 128;
};

// A progress line on stderr per part of the work, opened when the part reports its total.
eval::ProgressFn stderr_progress(const std::string& part) {
  auto progress = std::make_shared<std::unique_ptr<report::Progress>>();
  return [progress, part](int64_t done, int64_t total) {
    if (!*progress) {
      *progress = std::make_unique<report::Progress>(
          part, total, std::cerr,
          report::ProgressOptions{.terminal = report::stderr_is_terminal()});
    }
    (*progress)->update(done);
    if (done == total) (*progress)->finish();
  };
}

// The data is compared as the model saw it in training: a training checkpoint names the
// background under transparent pixels and the crop; a bare model file leaves the defaults.
data::ImageOptions trained_image_options(const std::filesystem::path& path,
                                         const io::Safetensors& checkpoint) {
  data::ImageOptions options;
  if (const auto config = train::training_config(path, checkpoint)) {
    options.background = config->background;
    options.center_crop = config->center_crop;
  }
  return options;
}

void run_eval(const EvalFlags& flags, const GlobalOptions& globals) {
  if (flags.count < 0 || flags.pairs < 1 || flags.patches < 1) {
    throw Error("--count must be >= 0, --pairs and --patches >= 1");
  }
  start_runtime(globals);
  const io::Safetensors checkpoint = io::read_safetensors(flags.checkpoint);
  std::unique_ptr<Model> model = load_model(checkpoint);
  data::ImageOptions image_options = trained_image_options(flags.checkpoint, checkpoint);
  image_options.resolution = model->image_size();
  if (!flags.background.empty()) image_options.background = parse_colour(flags.background);
  if (flags.center_crop) image_options.center_crop = *flags.center_crop;
  const data::ImageSet data_set = data::ImageSet::open(flags.data, image_options);
  const int64_t count = flags.count > 0 ? flags.count : std::min<int64_t>(1000, data_set.size());

  const eval::Images data =
      eval::load_images(data_set, count, flags.seed, stderr_progress("load data"));
  eval::Images other;
  std::optional<eval::GeneratedImages::Part> before_phi;
  eval::EvalSet other_set;
  if (flags.against.empty()) {
    eval::GeneratedImages generated =
        eval::generate_images(*model, count, flags.seed, flags.batch, stderr_progress("generate"));
    // The image the model's denoiser improves: the one before the last, where there is one.
    if (generated.parts.size() > 1) {
      before_phi = std::move(generated.parts[generated.parts.size() - 2]);
    }
    other_set = {"generated",
                 generated.parts.back().label + ", z seed " + std::to_string(flags.seed)};
    other = std::move(generated.parts.back().images);
  } else {
    const data::ImageSet against = data::ImageSet::open(flags.against, image_options);
    other = eval::load_images(against, count, flags.seed, stderr_progress("load against"));
    other_set = {"against", flags.against};  // --data is the second set either way
  }
  eval::EvalOptions options;
  options.swd.patches_per_image = flags.patches;
  options.swd.seed = flags.seed;
  options.diversity_pairs = flags.pairs;
  options.seed = flags.seed;
  options.batch = flags.batch;
  eval::EvalReport report = eval::evaluate(*model, std::move(other_set), other,
                                           {"data", flags.data}, data, options, stderr_progress);
  if (before_phi) {
    report.swd_intermediate = {
        before_phi->name, before_phi->label,
        eval::sliced_wasserstein(before_phi->images, data, options.swd,
                                 stderr_progress("SWD " + before_phi->name))};
  }
  std::cout << eval::format_table(report);
  if (!flags.json.empty()) {
    nlohmann::ordered_json json = {{"checkpoint", flags.checkpoint}};
    json.update(eval::to_json(report, options));
    std::ofstream file(flags.json);
    file << json.dump(2) << '\n';
    if (!file) throw Error("cannot write " + flags.json);
  }
}

}  // namespace

void register_eval(CLI::App& app, const GlobalOptions& globals) {
  auto* command = app.add_subcommand(
      "eval",
      std::string("Quality figures of a checkpoint against a data folder (or of two folders with "
                  "--against): SWD on Laplacian-pyramid patches (x1e3), ") +
          eval::kFdHDescription + ", and MS-SSIM diversity of each set (lower = more diverse).");
  auto flags = std::make_shared<EvalFlags>();
  command
      ->add_option("--checkpoint", flags->checkpoint,
                   "checkpoint or model file of any model (AEGAN's H gives FD-H)")
      ->required();
  command->add_option("--data", flags->data, "folder of real images")->required();
  command->add_option("--against", flags->against,
                      "compare --data with this folder instead of with generated samples");
  command->add_option("--count", flags->count,
                      "samples to generate and most images used per folder (default: 1000 or the "
                      "number of images in --data, whichever is smaller)");
  command->add_option("--seed", flags->seed, "seed of z, image subsets, patches and pairs")
      ->capture_default_str();
  command->add_option("--batch", flags->batch, "images per GPU pass")->capture_default_str();
  command->add_option("--pairs", flags->pairs, "MS-SSIM pairs per set")->capture_default_str();
  command->add_option("--patches", flags->patches, "SWD patches per image and level")
      ->capture_default_str();
  command->add_option("--json", flags->json, "also write every figure as JSON to FILE");
  command->add_option("--background", flags->background,
                      "RRGGBB colour under transparent pixels of the folders (default: the "
                      "checkpoint's training setting, else 000000)");
  command->add_flag("--center-crop,!--no-center-crop", flags->center_crop,
                    "crop the folders' images to a centred square first (default: the "
                    "checkpoint's training setting, else no)");
  command->callback([flags, &globals] { run_eval(*flags, globals); });
}

}  // namespace aegan::app
