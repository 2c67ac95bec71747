#include "nets/compare/comparison.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>

#include "engine/error.hpp"
#include "nets/compare/budget.hpp"
#include "nets/compare/outputs.hpp"
#include "nets/data/image_set.hpp"
#include "nets/eval/progress_lines.hpp"
#include "nets/eval/random_features.hpp"
#include "nets/models/registry.hpp"
#include "nets/report/progress.hpp"
#include "nets/train/checkpoint.hpp"
#include "nets/train/trainer.hpp"

namespace aegan::compare {
namespace {

namespace fs = std::filesystem;

// Training seconds of a run over every invocation of `compare`, kept beside its checkpoint.
constexpr const char* kTimeFile = "train-time.json";

double read_train_seconds(const fs::path& run) {
  std::ifstream file(run / kTimeFile);
  if (!file) return 0;
  try {
    return nlohmann::json::parse(file).at("train_seconds").get<double>();
  } catch (const std::exception& e) {
    throw Error((run / kTimeFile).string() + " is damaged: " + e.what());
  }
}

void write_train_seconds(const fs::path& run, double seconds) {
  const fs::path path = run / kTimeFile, temporary = run / (std::string(kTimeFile) + ".tmp");
  {
    std::ofstream file(temporary);
    file << nlohmann::json{{"train_seconds", seconds}}.dump() << '\n';
    if (!file) throw Error("cannot write " + temporary.string());
  }
  fs::rename(temporary, path);
}

// A run to train: its settings, where it stands and what it will have seen when done.
struct Plan {
  Contender contender;
  fs::path run;
  train::TrainConfig config;
  int64_t batch = 0;  // per step, after capping at the data's size
  int64_t planned_images = 0;
  int64_t seen_images = 0;
  double seconds = 0;
  bool finished = false;
};

fs::path checkpoint_of(const fs::path& run) {
  return run / "checkpoint.safetensors";
}

bool same_schedules(const train::TrainConfig& a, const train::TrainConfig& b) {
  if (a.stages.size() != b.stages.size()) return false;
  for (size_t s = 0; s < a.stages.size(); ++s) {
    const train::StageSchedule &x = a.stages[s], &y = b.stages[s];
    // Steps override epochs, so epochs matter only where neither gives steps.
    if (x.steps != y.steps || (x.steps == 0 && x.epochs != y.epochs) || x.lr != y.lr) return false;
  }
  return true;
}

// What a run folder already holds is part of this comparison only when it was made with the
// same model, preset, data, batch, seed and schedule.
void check_saved(const Plan& plan, const train::TrainConfig& saved) {
  const train::TrainConfig& want = plan.config;
  std::string differs;
  if (saved.model != want.model)
    differs = "model " + saved.model;
  else if (saved.preset.preset != want.preset.preset)
    differs = "preset " + saved.preset.preset;
  else if (saved.data.lexically_normal() != want.data.lexically_normal())
    differs = "data " + saved.data.string();
  else if (saved.batch != want.batch)
    differs = "batch " + std::to_string(saved.batch);
  else if (saved.seed != want.seed)
    differs = "seed " + std::to_string(saved.seed);
  else if (!same_schedules(saved, want))
    differs = "another schedule (budget)";
  if (!differs.empty()) {
    throw Error(plan.run.string() + " holds a run with " + differs +
                ", not this comparison's; remove it or choose another --out");
  }
}

int64_t default_images(const train::TrainConfig& config, int64_t batch, int64_t data_size) {
  int64_t images = 0;
  for (const train::StageSchedule& stage : config.stages) {
    images += stage.steps > 0 ? stage.steps * batch : stage.epochs * (data_size / batch) * batch;
  }
  return images;
}

Plan make_plan(const CompareOptions& options, const Contender& contender, int64_t data_size) {
  const ModelKind& kind = model_kind(contender.model);
  Plan plan{contender, options.out / "runs" / contender.name, options.train};
  train::TrainConfig& config = plan.config;
  config.model = contender.model;
  config.preset = kind.preset(contender.preset);
  config.data = fs::absolute(options.data).lexically_normal();
  if (config.batch == 0) config.batch = kind.default_batch;
  if (!contender.base.empty()) {
    config.generator = fs::absolute(checkpoint_of(options.out / "runs" / contender.base));
  }
  plan.batch = std::min<int64_t>(config.batch, data_size);
  config.stages.clear();
  if (options.images) {
    config.stages = budget_schedules(kind.stages, *options.images, plan.batch);
  } else {
    for (const TrainingStage& stage : kind.stages)
      config.stages.push_back(stage.schedule);
  }
  for (size_t s = 0; s < config.stages.size(); ++s) {
    const auto rate = options.learning_rates.find({contender.model, static_cast<int>(s) + 1});
    if (rate != options.learning_rates.end()) config.stages[s].lr = rate->second;
  }
  plan.planned_images = default_images(config, plan.batch, data_size);
  plan.seconds = read_train_seconds(plan.run);
  if (fs::exists(checkpoint_of(plan.run))) {
    const train::TrainingCheckpoint saved = train::read_checkpoint(checkpoint_of(plan.run));
    check_saved(plan, saved.config);
    plan.seen_images = saved.state.global_step * plan.batch;
    plan.finished = saved.state.stage > static_cast<int>(saved.config.stages.size()) ||
                    (options.minutes && plan.seconds >= *options.minutes * 60);
  }
  return plan;
}

// Trains the plan's run to its end or its time budget; false when stopped on request.
bool train_run(Plan& plan, const CompareOptions& options, report::Progress& progress,
               int64_t& done_images) {
  std::atomic<bool> stop{false};
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  train::RunOptions run_options;
  run_options.out = plan.run;
  run_options.stop = &stop;
  run_options.on_step = [&](int64_t images) {
    plan.seen_images += images;
    done_images += images;
    progress.update(done_images, plan.contender.name);
    const bool out_of_time = options.minutes && plan.seconds + elapsed() >= *options.minutes * 60;
    if (out_of_time || (options.stop && options.stop->load())) stop.store(true);
  };
  std::unique_ptr<train::Trainer> trainer =
      fs::exists(checkpoint_of(plan.run))
          ? train::Trainer::resume(run_options)
          : std::make_unique<train::Trainer>(plan.config, run_options);
  bool done = false;
  try {
    done = trainer->run();
  } catch (...) {
    write_train_seconds(plan.run, plan.seconds + elapsed());
    throw;
  }
  plan.seconds += elapsed();
  write_train_seconds(plan.run, plan.seconds);
  const bool interrupted = !done && options.stop && options.stop->load();
  plan.finished = !interrupted;
  return !interrupted;
}

}  // namespace

std::vector<Contender> contenders(const CompareOptions& options) {
  if (!options.images && !options.minutes) {
    throw Error("give a training budget: --images N and/or --minutes M");
  }
  if (options.images && *options.images < 1) {
    throw Error("--images must be at least 1, got " + std::to_string(*options.images));
  }
  if (options.minutes && !(*options.minutes > 0)) {
    throw Error("--minutes must be more than 0, got " + std::to_string(*options.minutes));
  }
  if (options.models.empty()) throw Error("--models names no model");
  auto preset_of = [&](const ModelKind& kind) {
    const auto given = options.presets.find(kind.name);
    const std::string name = given == options.presets.end() ? kind.default_preset : given->second;
    kind.preset(name);  // an unknown preset throws, naming the known ones
    return name;
  };
  // Unless one is named, the denoiser takes the width of AEGAN's phi at its baseline's image
  // size: its presets are named after AEGAN's.
  auto denoiser_preset = [&](const ModelKind& denoiser, int resolution) {
    const ModelKind& aegan = model_kind("aegan");
    if (options.presets.count(denoiser.name) == 0) {
      for (const std::string& name : denoiser.presets) {
        const bool aegans =
            std::find(aegan.presets.begin(), aegan.presets.end(), name) != aegan.presets.end();
        if (aegans && aegan.preset(name).at("r") == resolution) return name;
      }
    }
    return preset_of(denoiser);
  };
  std::vector<Contender> out;
  std::set<std::string> seen;
  for (const std::string& name : options.models) {
    const ModelKind& kind = model_kind(name);
    if (kind.on_generator) {
      throw Error(name + " trains on another model's generator; compare it with --denoise");
    }
    if (!seen.insert(name).second) throw Error("--models names " + name + " twice");
    out.push_back({name, name, preset_of(kind), ""});
    if (options.denoise && name != "aegan") {
      const ModelKind& denoiser = model_kind("denoiser");
      out.push_back({name + "+phi", denoiser.name,
                     denoiser_preset(denoiser, kind.preset(out.back().preset).at("r")), name});
    }
  }
  auto compared = [&](const std::string& model) {
    return seen.count(model) > 0 || (model == "denoiser" && options.denoise);
  };
  for (const auto& [model, preset] : options.presets) {
    if (!compared(model)) throw Error("--presets names " + model + ", which is not compared");
  }
  for (const auto& [stage, rate] : options.learning_rates) {
    const auto& [model, number] = stage;
    const std::string name = model + "." + std::to_string(number);
    if (!compared(model)) throw Error("--lr names " + name + ", but " + model + " is not compared");
    const size_t stages = model_kind(model).stages.size();
    if (number < 1 || static_cast<size_t>(number) > stages) {
      throw Error("--lr names " + name + ", but " + model + " trains in " + std::to_string(stages) +
                  (stages == 1 ? " stage" : " stages"));
    }
    if (!(rate > 0)) throw Error("--lr " + name + " must be more than 0");
  }
  return out;
}

Comparison run_comparison(const CompareOptions& options) {
  const std::vector<Contender> list = contenders(options);
  data::ImageOptions image_options;
  image_options.center_crop = options.train.center_crop;
  image_options.background = options.train.background;
  const int64_t data_size = data::ImageSet::open(options.data, image_options).size();

  std::vector<Plan> plans;
  int64_t total = 0, done = 0;
  for (const Contender& contender : list) {
    plans.push_back(make_plan(options, contender, data_size));
    total += plans.back().planned_images;
    done += plans.back().finished ? plans.back().planned_images : plans.back().seen_images;
  }
  std::ostream null_stream(nullptr);
  std::ostream& out = options.progress ? *options.progress : null_stream;
  Comparison comparison;
  {
    report::ProgressOptions progress_options;
    progress_options.terminal = options.progress_is_terminal;
    report::Progress progress("compare: images trained", total, out, progress_options);
    progress.update(done);
    for (Plan& plan : plans) {
      if (plan.finished) {
        out << "compare: " << plan.contender.name << " is trained already (" << plan.run.string()
            << ")\n";
        continue;
      }
      const int64_t before = done - plan.seen_images;
      if (!train_run(plan, options, progress, done)) {
        progress.finish("stopped");
        return comparison;
      }
      // A time budget may end a run before its schedule does.
      done = before + plan.planned_images;
      progress.update(done, plan.contender.name);
    }
    progress.finish();
  }
  const eval::ProgressFactory eval_progress =
      eval::progress_lines(out, options.progress_is_terminal);
  for (Plan& plan : plans) {
    if (options.stop && options.stop->load()) return comparison;
    out << "compare: evaluating " << plan.contender.name << "\n";
    ContenderResult result{plan.contender, plan.run, plan.seen_images, plan.seconds, {}, 0};
    result.eval = eval::evaluate_checkpoint(checkpoint_of(plan.run), options.data, options.eval,
                                            eval_progress);
    result.fd_random = eval::random_feature_distance(
        result.eval.first, result.eval.second,
        eval::progress_line("FD-R generated", out, options.progress_is_terminal),
        eval::progress_line("FD-R data", out, options.progress_is_terminal));
    comparison.results.push_back(std::move(result));
  }
  comparison.complete = true;
  write_outputs(options, comparison);
  return comparison;
}

}  // namespace aegan::compare
