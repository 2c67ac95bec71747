#include <unistd.h>
#include <CLI/CLI.hpp>
#include <array>
#include <atomic>
#include <csignal>
#include <iostream>
#include <map>
#include <memory>

#include "app/commands.hpp"
#include "app/model_options.hpp"
#include "engine/error.hpp"
#include "engine/runtime.hpp"
#include "engine/vk/context.hpp"
#include "nets/models/registry.hpp"
#include "nets/train/ranks.hpp"
#include "nets/train/trainer.hpp"

namespace aegan::app {
namespace {

std::atomic<bool> stop_requested{false};

void request_stop(int) {
  stop_requested.store(true);
}

// The options given on the command line, so that a resumed run keeps its saved values for the
// rest and only lengthens or re-paces what was asked for.
struct TrainFlags {
  train::TrainConfig config;
  ModelFlags model;
  std::string prior;                           // empty: the model's
  std::string augment;                         // empty: the model's
  std::array<train::StageSchedule, 3> stages;  // read only where given
  std::string background = "000000";
  std::string out;
  int64_t max_steps = 0;
  int accumulate = 1;
  int64_t bucket_kib = 16384;
  bool resume = false;
};

void add_stage_options(CLI::App& command, train::StageSchedule& schedule, int stage) {
  const std::string n = std::to_string(stage);
  const std::string of = " of stage " + n + " (default: the model's schedule)";
  command.add_option("--epochs" + n, schedule.epochs, "epochs" + of);
  command.add_option("--steps" + n, schedule.steps, "steps" + of + "; overrides epochs");
  command.add_option("--lr" + n, schedule.lr, "Adam learning rate" + of);
}

// Schedules of the model's stages with the stage options given on the command line; an option
// of a stage the model does not have is refused.
void apply_given_stages(const CLI::App& command, const TrainFlags& flags,
                        train::TrainConfig& config) {
  auto was_given = [&](const std::string& flag) { return command.count(flag) > 0; };
  for (size_t s = 0; s < flags.stages.size(); ++s) {
    const std::string n = std::to_string(s + 1);
    const bool any = was_given("--epochs" + n) || was_given("--steps" + n) || was_given("--lr" + n);
    if (!any) continue;
    if (s >= config.stages.size()) {
      throw Error(config.model + " trains in " + std::to_string(config.stages.size()) +
                  (config.stages.size() == 1 ? " stage" : " stages") + "; --epochs" + n +
                  ", --steps" + n + " and --lr" + n + " do not apply");
    }
    train::StageSchedule& to = config.stages[s];
    if (was_given("--epochs" + n)) to.epochs = flags.stages[s].epochs;
    if (was_given("--steps" + n)) to.steps = flags.stages[s].steps;
    if (was_given("--lr" + n)) to.lr = flags.stages[s].lr;
  }
}

void apply_given(const CLI::App& command, const TrainFlags& flags, train::TrainConfig& config) {
  auto was_given = [&](const char* flag) { return command.count(flag) > 0; };
  const train::TrainConfig& given = flags.config;
  apply_given_stages(command, flags, config);
  if (was_given("--log-every")) config.log_every = given.log_every;
  if (was_given("--sample-every")) config.sample_every = given.sample_every;
  if (was_given("--checkpoint-every")) config.checkpoint_every = given.checkpoint_every;
  if (was_given("--data")) config.data = given.data;
  // The global batch is the run's: another number of ranks resumes it with another
  // --accumulate, which follows from the saved one.
  const int ranks = train::Ranks::world().size();
  if (was_given("--accumulate") && flags.accumulate * ranks != config.micro_batches) {
    throw Error("--accumulate " + std::to_string(flags.accumulate) + " at " +
                std::to_string(ranks) + (ranks == 1 ? " rank" : " ranks") + " gives " +
                std::to_string(flags.accumulate * ranks) + " micro-batches a step; the run has " +
                std::to_string(config.micro_batches) + " (leave --accumulate out on --resume)");
  }
}

void run_training(const CLI::App& command, TrainFlags& flags, const GlobalOptions& globals) {
  train::TrainConfig& config = flags.config;
  if (config.log_every < 1 || config.sample_every < 1 || config.checkpoint_every < 1 ||
      config.sample_count < 1) {
    throw Error(
        "--log-every, --sample-every, --checkpoint-every and --sample-count must be at least 1");
  }
  // A limit of 0 steps is refused rather than taken as "no limit" or "stop at once": it is almost
  // always a slip, and a checkpoint of untrained weights is of no use on its own.
  const bool step_limit = command.count("--max-steps") > 0;
  if (step_limit && flags.max_steps < 1) {
    throw Error("--max-steps must be at least 1, got " + std::to_string(flags.max_steps) +
                " (leave it out to run the whole schedule)");
  }
  train::Ranks& ranks = train::Ranks::start(globals);
  start_runtime(with_rank_device(globals, ranks));
  train::RunOptions options;
  options.out = flags.out;
  options.allreduce_bucket_bytes = static_cast<size_t>(flags.bucket_kib) << 10;
  if (step_limit) options.max_steps = flags.max_steps;
  options.stop = &stop_requested;
  options.progress = ranks.is_root() ? &std::cerr : nullptr;
  options.progress_is_terminal = isatty(STDERR_FILENO) != 0;
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);

  std::unique_ptr<train::Trainer> trainer;
  if (flags.resume) {
    trainer = train::Trainer::resume(
        options, [&](train::TrainConfig& saved) { apply_given(command, flags, saved); });
  } else {
    if (config.data.empty()) throw Error("--data is required for a new run");
    config.model = flags.model.model;
    config.preset = flags.model.resolve();
    if (!flags.prior.empty()) config.prior = prior_by_name(flags.prior);
    if (!flags.augment.empty()) {
      config.augmentation =
          flags.augment == "none" ? train::Augmentation::none : train::Augmentation::crop_flip;
    }
    config.stages.clear();
    for (const TrainingStage& stage : model_kind(config.model).stages)
      config.stages.push_back(stage.schedule);
    apply_given_stages(command, flags, config);
    config.background = parse_colour(flags.background);
    config.micro_batches = flags.accumulate * ranks.size();
    trainer = std::make_unique<train::Trainer>(config, options);
  }
  // Tiny folders are common in tests and first tries, so a batch larger than the data set is
  // trained with every image rather than refused, but never silently.
  if (trainer->batch() < trainer->config().batch && ranks.is_root()) {
    std::cerr << "aegan-vk: note: the data has " << trainer->batch()
              << (trainer->batch() == 1 ? " image" : " images") << ", fewer than --batch "
              << trainer->config().batch << "; training with batch " << trainer->batch()
              << std::endl;
  }
  const train::TrainState start = trainer->state();
  const bool done = trainer->run();
  const train::TrainState& end = trainer->state();
  if (!ranks.is_root()) return;
  std::cout << (done                            ? "training done"
                : trainer->stopped_on_request() ? "stopped on request"
                                                : "paused")
            << " after " << end.global_step - start.global_step << " steps (global step "
            << end.global_step << "); checkpoint: " << flags.out << "/checkpoint.safetensors";
  if (!done) std::cout << " (continue with --resume)";
  std::cout << std::endl;
}

}  // namespace

void register_train(CLI::App& app, const GlobalOptions& globals) {
  auto* command = app.add_subcommand(
      "train",
      "Train a model on a folder of images (AEGAN by default, Algorithm 1: autoencoder, then the "
      "two GANs, then optional fine-tuning; --model dcgan; or --model denoiser, AEGAN's phi on a "
      "frozen --generator), writing checkpoints, a log, sample grids and a loss plot to --out.");
  auto flags = std::make_shared<TrainFlags>();
  train::TrainConfig& c = flags->config;
  command->add_option("--data", c.data, "folder of PNG/JPEG/BMP/TGA images (searched recursively)");
  command->add_option("--out", flags->out, "run folder")->required();
  command->add_flag("--resume", flags->resume,
                    "continue the run in --out from its checkpoint (its settings are kept unless "
                    "given again: epochs, steps, learning rates, intervals, data)");
  add_model_options(*command, flags->model);
  command->add_option("--generator", c.generator,
                      "--model denoiser: the checkpoint or model file of the frozen generator "
                      "whose images phi learns to improve (a DCGAN run's checkpoint, say)");
  command
      ->add_option("--batch", c.batch,
                   "minibatch size, default the model's (AEGAN 16, DCGAN and DE-GAN 64, "
                   "StackGAN-v2 24, denoiser 16; a data set of fewer images trains with all of "
                   "them)")
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--accumulate", flags->accumulate,
                   "micro-batches of --batch per optimiser step on each rank, gradients averaged; "
                   "a step's global batch is ranks x accumulate x batch")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->add_flag("--sync-bn", c.sync_batch_norm,
                    "batch norm over the step's whole global batch (all micro-batches, all ranks) "
                    "instead of each micro-batch; costs two gathers per layer a step (kept on "
                    "--resume)");
  command
      ->add_option("--allreduce-bucket-kib", flags->bucket_kib,
                   "with several ranks, gradients go to the other ranks in buckets of this size "
                   "as the backward pass completes them, overlapping it; 0: in one all-reduce "
                   "after it")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  for (size_t s = 0; s < flags->stages.size(); ++s)
    add_stage_options(*command, flags->stages[s], static_cast<int>(s) + 1);
  command
      ->add_option("--prior", flags->prior,
                   "distribution of z: uniform (U(-1, 1)) or normal (N(0, I)); default: the "
                   "model's (AEGAN uniform, the others normal)")
      ->check(CLI::IsMember({"uniform", "normal"}));
  command
      ->add_option("--augment", flags->augment,
                   "what training does to each image: none, or crop-flip (load it at r * 76 / "
                   "64, take a random r x r crop, mirror it half the time); default: the model's "
                   "(StackGAN-v2 crop-flip, the others none)")
      ->check(CLI::IsMember({"none", "crop-flip"}));
  command->add_option("--lambda", c.lambda, "AEGAN and the denoiser: weight of phi's L1 term")
      ->capture_default_str();
  command
      ->add_option("--phi-warm-start", c.phi_warm_start,
                   "train phi during stage 1 too (not in the paper): none, identity (phi(x) -> "
                   "x) or restore (phi(F(H(x))) -> x)")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, train::PhiWarmStart>{{"none", train::PhiWarmStart::none},
                                                     {"identity", train::PhiWarmStart::identity},
                                                     {"restore", train::PhiWarmStart::restore}}))
      ->type_name("MODE")
      ->default_str("none");
  command
      ->add_option("--posterior", c.posterior,
                   "DE-GAN: G's noise z' drawn from the VAE's posterior q(z | x_hat) (sample) or "
                   "its mean (mean)")
      ->transform(CLI::CheckedTransformer(std::map<std::string, train::Posterior>{
          {"sample", train::Posterior::sample}, {"mean", train::Posterior::mean}}))
      ->type_name("MODE")
      ->default_str("sample");
  command
      ->add_option("--hidden-weight", c.hidden_weight,
                   "DE-GAN: weight of the hidden-space loss in G's (lambda2)")
      ->capture_default_str();
  command->add_option("--g-steps", c.g_steps, "DE-GAN: G steps after each D step")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command
      ->add_option("--ema-reload-every", c.ema_reload_every,
                   "StackGAN-v2: every this many G steps the generator's weight average replaces "
                   "its weights, as the official code's snapshots do; 0: never")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command->add_option("--seed", c.seed, "seed of weights, z, shuffling and dropout")
      ->capture_default_str();
  command->add_flag("--center-crop", c.center_crop, "crop images to a centred square first");
  command
      ->add_option("--background", flags->background, "RRGGBB colour put under transparent pixels")
      ->capture_default_str();
  command->add_option("--cache", c.dataset_cache,
                      "file of the data set's images resized once, for quicker starts (built when "
                      "missing or stale)");
  command->add_option("--log-every", c.log_every, "steps between log lines")->capture_default_str();
  command
      ->add_option("--sample-every", c.sample_every, "steps between sample grids written to --out")
      ->capture_default_str();
  command->add_option("--sample-count", c.sample_count, "images in each sample grid")
      ->capture_default_str();
  command
      ->add_option("--checkpoint-every", c.checkpoint_every,
                   "steps between checkpoints written to --out")
      ->capture_default_str();
  command->add_option("--max-steps", flags->max_steps,
                      "stop after this many steps (at least 1) in this invocation, with a "
                      "checkpoint; without it the whole schedule runs");
  command->callback([command, flags, &globals] { run_training(*command, *flags, globals); });
}

}  // namespace aegan::app
