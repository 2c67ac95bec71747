#include "nets/train/checkpoint.hpp"

#include <nlohmann/json.hpp>

#include "engine/error.hpp"
#include "nets/model_io.hpp"

namespace aegan::train {
namespace {

constexpr const char* kTrainingKey = "aegan_vk.training";

std::string moment_name(const Optimizer& optimizer, const std::string& parameter,
                        const char* moment) {
  return "optim." + optimizer.name + "." + parameter + "." + moment;
}

nn::NamedTensors moments(const Optimizer& optimizer) {
  nn::NamedTensors out;
  for (size_t i = 0; i < optimizer.parameter_names.size(); ++i) {
    const std::string& parameter = optimizer.parameter_names[i];
    out.emplace_back(moment_name(optimizer, parameter, "exp_avg"), optimizer.adam->exp_avg()[i]);
    out.emplace_back(moment_name(optimizer, parameter, "exp_avg_sq"),
                     optimizer.adam->exp_avg_sq()[i]);
  }
  return out;
}

}  // namespace

void save_checkpoint(const std::filesystem::path& path, Model& model, const Optimizers& optimizers,
                     const TrainConfig& config, const TrainState& state) {
  io::Safetensors file;
  file.metadata = model.metadata();
  nlohmann::json training = {{"config", config},
                             {"stage", state.stage},
                             {"stage_step", state.stage_step},
                             {"global_step", state.global_step},
                             {"optimizers", nlohmann::json::object()}};
  store_tensors(model.state(), file);
  for (const Optimizer& optimizer : optimizers) {
    store_tensors(moments(optimizer), file);
    training["optimizers"][optimizer.name] = optimizer.adam->steps();
  }
  file.metadata[kTrainingKey] = training.dump();
  io::write_safetensors(path, file);
}

namespace {

// The training metadata of a file already read, which must hold it.
TrainingCheckpoint parse_checkpoint(const std::filesystem::path& path, io::Safetensors file) {
  TrainingCheckpoint checkpoint{std::move(file), {}, {}};
  const auto it = checkpoint.file.metadata.find(kTrainingKey);
  try {
    const nlohmann::json training = nlohmann::json::parse(it->second);
    checkpoint.config = training.at("config").get<TrainConfig>();
    checkpoint.state = {training.at("stage").get<int>(), training.at("stage_step").get<int64_t>(),
                        training.at("global_step").get<int64_t>()};
  } catch (const nlohmann::json::exception& e) {
    throw Error(path.string() + ": damaged training metadata: " + e.what());
  }
  const int stages = static_cast<int>(checkpoint.config.stages.size());
  if (checkpoint.state.stage < 1 || checkpoint.state.stage > stages + 1 ||
      checkpoint.state.stage_step < 0) {
    throw Error(path.string() + ": damaged training metadata (stage " +
                std::to_string(checkpoint.state.stage) + ")");
  }
  return checkpoint;
}

}  // namespace

std::optional<TrainConfig> training_config(const std::filesystem::path& path,
                                           const io::Safetensors& file) {
  if (!file.metadata.contains(kTrainingKey)) return std::nullopt;
  return parse_checkpoint(path, {{}, file.metadata}).config;
}

TrainingCheckpoint read_checkpoint(const std::filesystem::path& path) {
  io::Safetensors file = io::read_safetensors(path);
  if (!file.metadata.contains(kTrainingKey)) {
    throw Error(path.string() + ": not a training checkpoint (no '" + kTrainingKey +
                "' metadata); a model file can be sampled but not resumed");
  }
  return parse_checkpoint(path, std::move(file));
}

void restore_checkpoint(const TrainingCheckpoint& checkpoint, Model& model,
                        Optimizers& optimizers) {
  restore_tensors(model.state(), checkpoint.file);
  const nlohmann::json training = nlohmann::json::parse(checkpoint.file.metadata.at(kTrainingKey));
  for (Optimizer& optimizer : optimizers) {
    const auto steps = training.at("optimizers").find(optimizer.name);
    if (steps == training.at("optimizers").end()) continue;  // saved in another stage
    restore_tensors(moments(optimizer), checkpoint.file);
    optimizer.adam->set_steps(steps->get<std::vector<int64_t>>());
  }
}

}  // namespace aegan::train
