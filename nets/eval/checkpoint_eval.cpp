#include "nets/eval/checkpoint_eval.hpp"

#include <algorithm>
#include <array>
#include <memory>

#include "engine/error.hpp"
#include "engine/io/safetensors.hpp"
#include "nets/data/image_set.hpp"
#include "nets/eval/sources.hpp"
#include "nets/models/registry.hpp"
#include "nets/train/checkpoint.hpp"

namespace aegan::eval {
namespace {

ProgressFn part_progress(const ProgressFactory& progress, const std::string& part) {
  return progress ? progress(part) : ProgressFn{};
}

// A training checkpoint names the background under transparent pixels and the crop; a bare
// model file leaves the defaults.
data::ImageOptions trained_image_options(const std::filesystem::path& path,
                                         const io::Safetensors& checkpoint) {
  data::ImageOptions options;
  if (const auto config = train::training_config(path, checkpoint)) {
    options.background = config->background;
    options.center_crop = config->center_crop;
  }
  return options;
}

}  // namespace

CheckpointEval evaluate_checkpoint(const std::filesystem::path& checkpoint_path,
                                   const std::filesystem::path& data_path,
                                   const CheckpointEvalOptions& given,
                                   const ProgressFactory& progress) {
  if (given.count < 0 || given.pairs < 1 || given.patches < 1) {
    throw Error("--count must be >= 0, --pairs and --patches >= 1");
  }
  const io::Safetensors checkpoint = io::read_safetensors(checkpoint_path);
  std::unique_ptr<Model> model = load_model(checkpoint);
  data::ImageOptions image_options = trained_image_options(checkpoint_path, checkpoint);
  image_options.resolution = model->image_size();
  if (given.background) image_options.background = *given.background;
  if (given.center_crop) image_options.center_crop = *given.center_crop;
  const data::ImageSet data_set = data::ImageSet::open(data_path, image_options);
  const int64_t count = given.count > 0 ? given.count : std::min<int64_t>(1000, data_set.size());

  CheckpointEval out;
  out.second = load_images(data_set, count, given.seed, part_progress(progress, "load data"));
  std::optional<GeneratedImages::Part> before_phi;
  EvalSet first_set;
  if (given.against.empty()) {
    GeneratedImages generated = generate_images(*model, count, given.seed, given.batch,
                                                part_progress(progress, "generate"));
    // The image the model's denoiser improves: the last image before the final one, if any.
    for (size_t i = generated.parts.size() - 1; i-- > 0;) {
      if (!generated.parts[i].measured) continue;
      before_phi = std::move(generated.parts[i]);
      break;
    }
    first_set = {"generated",
                 generated.parts.back().label + ", z seed " + std::to_string(given.seed)};
    out.first = std::move(generated.parts.back().images);
  } else {
    const data::ImageSet against = data::ImageSet::open(given.against, image_options);
    out.first = load_images(against, count, given.seed, part_progress(progress, "load against"));
    first_set = {"against", given.against.string()};  // the data is the second set either way
  }
  out.options.swd.patches_per_image = given.patches;
  out.options.swd.seed = given.seed;
  out.options.diversity_pairs = given.pairs;
  out.options.seed = given.seed;
  out.options.batch = given.batch;
  out.report = evaluate(*model, std::move(first_set), out.first, {"data", data_path.string()},
                        out.second, out.options, progress);
  if (before_phi) {
    out.report.swd_intermediate = {
        before_phi->name, before_phi->label,
        sliced_wasserstein(before_phi->images, out.second, out.options.swd,
                           part_progress(progress, "SWD " + before_phi->name))};
  }
  return out;
}

}  // namespace aegan::eval
