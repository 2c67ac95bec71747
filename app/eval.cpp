#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "app/commands.hpp"
#include "app/model_options.hpp"
#include "engine/error.hpp"
#include "nets/eval/checkpoint_eval.hpp"
#include "nets/eval/progress_lines.hpp"
#include "nets/report/progress.hpp"

namespace aegan::app {
namespace {

struct EvalFlags {
  std::string checkpoint, data, json;
  std::string background;  // empty: as the checkpoint was trained, else black
  eval::CheckpointEvalOptions options;
};

void run_eval(EvalFlags flags, const GlobalOptions& globals) {
  if (!flags.background.empty()) flags.options.background = parse_colour(flags.background);
  start_runtime(globals);
  const eval::CheckpointEval result =
      eval::evaluate_checkpoint(flags.checkpoint, flags.data, flags.options,
                                eval::progress_lines(std::cerr, report::stderr_is_terminal()));
  std::cout << eval::format_table(result.report);
  if (!flags.json.empty()) {
    nlohmann::ordered_json json = {{"checkpoint", flags.checkpoint}};
    json.update(eval::to_json(result.report, result.options));
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
  eval::CheckpointEvalOptions& o = flags->options;
  command
      ->add_option("--checkpoint", flags->checkpoint,
                   "checkpoint or model file of any model (AEGAN's H gives FD-H)")
      ->required();
  command->add_option("--data", flags->data, "folder of real images")->required();
  command->add_option("--against", o.against,
                      "compare --data with this folder instead of with generated samples");
  command->add_option("--count", o.count,
                      "samples to generate and most images used per folder (default: 1000 or the "
                      "number of images in --data, whichever is smaller)");
  command->add_option("--seed", o.seed, "seed of z, image subsets, patches and pairs")
      ->capture_default_str();
  command->add_option("--batch", o.batch, "images per GPU pass")->capture_default_str();
  command->add_option("--pairs", o.pairs, "MS-SSIM pairs per set")->capture_default_str();
  command->add_option("--patches", o.patches, "SWD patches per image and level")
      ->capture_default_str();
  command->add_option("--json", flags->json, "also write every figure as JSON to FILE");
  command->add_option("--background", flags->background,
                      "RRGGBB colour under transparent pixels of the folders (default: the "
                      "checkpoint's training setting, else 000000)");
  command->add_flag("--center-crop,!--no-center-crop", o.center_crop,
                    "crop the folders' images to a centred square first (default: the "
                    "checkpoint's training setting, else no)");
  command->callback([flags, &globals] { run_eval(*flags, globals); });
}

}  // namespace aegan::app
