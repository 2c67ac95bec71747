#include <unistd.h>
#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "app/commands.hpp"
#include "app/model_options.hpp"
#include "engine/error.hpp"
#include "nets/compare/comparison.hpp"
#include "nets/models/registry.hpp"
#include "nets/train/ranks.hpp"

namespace aegan::app {
namespace {

std::atomic<bool> stop_requested{false};

void request_stop(int) {
  stop_requested.store(true);
}

struct CompareFlags {
  compare::CompareOptions options;
  std::vector<std::string> presets;         // MODEL=PRESET
  std::vector<std::string> learning_rates;  // MODEL.STAGE=RATE
  std::string background = "000000";
};

// "MODEL.STAGE=RATE" into options.learning_rates.
void add_learning_rate(const std::string& entry, compare::CompareOptions& options) {
  const size_t dot = entry.find('.'), equals = entry.find('=');
  const auto refuse = [&] {
    return Error("--lr takes MODEL.STAGE=RATE (aegan.2=5e-4), not '" + entry + "'");
  };
  if (dot == 0 || dot == std::string::npos || equals == std::string::npos || equals < dot) {
    throw refuse();
  }
  const std::string stage = entry.substr(dot + 1, equals - dot - 1),
                    rate = entry.substr(equals + 1);
  size_t stage_end = 0, rate_end = 0;
  try {
    const int number = std::stoi(stage, &stage_end);
    const double value = std::stod(rate, &rate_end);
    if (stage_end == stage.size() && rate_end == rate.size()) {
      options.learning_rates[{entry.substr(0, dot), number}] = value;
      return;
    }
  } catch (const std::logic_error&) {
  }
  throw refuse();
}

void run_compare(CompareFlags flags, const GlobalOptions& globals) {
  compare::CompareOptions& options = flags.options;
  for (const std::string& entry : flags.presets) {
    const size_t equals = entry.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == entry.size()) {
      throw Error("--presets takes MODEL=PRESET, not '" + entry + "'");
    }
    options.presets[entry.substr(0, equals)] = entry.substr(equals + 1);
  }
  for (const std::string& entry : flags.learning_rates)
    add_learning_rate(entry, options);
  options.train.background = parse_colour(flags.background);
  compare::contenders(options);  // bad options fail before the device starts
  // Every rank would train every run into the same folders.
  if (train::Ranks::start(globals).size() > 1) {
    throw Error("compare runs as one process; start it without mpirun or srun");
  }
  start_runtime(globals);
  options.progress = &std::cerr;
  options.progress_is_terminal = isatty(STDERR_FILENO) != 0;
  options.stop = &stop_requested;
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  const compare::Comparison comparison = compare::run_comparison(options);
  if (!comparison.complete) {
    std::cout << "comparison stopped on request; run the same command again to continue\n";
    return;
  }
  const size_t rows = comparison.results.size();
  std::cout << "comparison of " << rows << (rows == 1 ? " model: " : " models: ")
            << (options.out / "compare.md").string() << ", compare.json, compare.png\n";
}

std::string default_presets() {
  std::string out;
  for (const ModelKind& kind : model_kinds()) {
    if (kind.on_generator) continue;
    out += (out.empty() ? "" : ", ") + kind.name + "=" + kind.default_preset;
  }
  return out + "; denoiser: AEGAN's preset of its baseline's image size";
}

}  // namespace

void register_compare(CLI::App& app, const GlobalOptions& globals) {
  auto* command = app.add_subcommand(
      "compare",
      "Train several models on the same data with the same budget, each in an ordinary run "
      "folder --out/runs/MODEL (running the command again resumes), evaluate each as `eval` does, "
      "and write the table --out/compare.md and .json (SWD, MS-SSIM diversity and FD-R, a "
      "Fréchet distance in one fixed random-CNN feature space shared by all models) and a sheet "
      "of every model's samples, --out/compare.png.");
  auto flags = std::make_shared<CompareFlags>();
  compare::CompareOptions& o = flags->options;
  command->add_option("--data", o.data, "folder of PNG/JPEG/BMP/TGA images (searched recursively)")
      ->required();
  command->add_option("--out", o.out, "comparison folder")->required();
  command->add_option("--models", o.models, "the models compared, comma-separated: aegan,dcgan")
      ->delimiter(',')
      ->required();
  command
      ->add_option("--presets", flags->presets,
                   "MODEL=PRESET,... (default: " + default_presets() + ")")
      ->delimiter(',');
  command
      ->add_option("--lr", flags->learning_rates,
                   "MODEL.STAGE=RATE,...: Adam learning rate of a model's stage instead of its "
                   "default (aegan.2=5e-4; denoiser.1 for --denoise)")
      ->delimiter(',');
  command->add_option("--images", o.images,
                      "images seen in training by each model, split over its stages in "
                      "proportion to its default epochs");
  command->add_option("--minutes", o.minutes,
                      "wall-clock minutes of training per model (with --images: whichever ends "
                      "first; alone: the default schedule, cut off)");
  command->add_flag("--denoise", o.denoise,
                    "also train AEGAN's denoiser phi on each baseline's frozen generator, a row "
                    "MODEL+phi");
  command->add_option("--batch", o.train.batch, "minibatch size of every model (default: each's)")
      ->check(CLI::PositiveNumber);
  command->add_option("--seed", o.train.seed, "seed of every run's weights, z and shuffling")
      ->capture_default_str();
  command->add_flag("--center-crop", o.train.center_crop, "crop images to a centred square first");
  command
      ->add_option("--background", flags->background, "RRGGBB colour put under transparent pixels")
      ->capture_default_str();
  command->add_option("--sample-every", o.train.sample_every, "steps between sample grids of a run")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->add_option("--sample-count", o.train.sample_count, "images in each run's sample grids")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command
      ->add_option("--count", o.eval.count,
                   "images generated and data images used in evaluation (default: 1000 or the "
                   "number of images in --data, whichever is smaller)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--pairs", o.eval.pairs, "MS-SSIM pairs per set")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->add_option("--patches", o.eval.patches, "SWD patches per image and level")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->add_option("--shown", o.samples_shown, "samples of each model in compare.png")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->callback([flags, &globals] { run_compare(*flags, globals); });
}

}  // namespace aegan::app
