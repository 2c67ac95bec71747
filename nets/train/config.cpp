#include "nets/train/config.hpp"

#include <nlohmann/json.hpp>

#include "engine/error.hpp"

namespace aegan::train {

NLOHMANN_JSON_SERIALIZE_ENUM(PhiWarmStart, {{PhiWarmStart::none, "none"},
                                            {PhiWarmStart::identity, "identity"},
                                            {PhiWarmStart::restore, "restore"}})

NLOHMANN_JSON_SERIALIZE_ENUM(Augmentation,
                             {{Augmentation::none, "none"}, {Augmentation::crop_flip, "crop_flip"}})
NLOHMANN_JSON_SERIALIZE_ENUM(Posterior, {{Posterior::sample, "sample"}, {Posterior::mean, "mean"}})

namespace {

nlohmann::json schedule_json(const StageSchedule& s) {
  return {{"epochs", s.epochs}, {"steps", s.steps}, {"lr", s.lr}};
}

StageSchedule schedule_from(const nlohmann::json& j) {
  return {j.at("epochs").get<int64_t>(), j.at("steps").get<int64_t>(), j.at("lr").get<double>()};
}

}  // namespace

const StageSchedule& TrainConfig::schedule(int stage) const {
  if (stage < 1 || stage > static_cast<int>(stages.size())) {
    throw Error("no training stage " + std::to_string(stage));
  }
  return stages[static_cast<size_t>(stage - 1)];
}

void to_json(nlohmann::json& j, const TrainConfig& c) {
  nlohmann::json preset = {{"name", c.preset.preset}};
  for (const auto& [name, value] : c.preset.values)
    preset[name] = value;
  j = {{"model", c.model},
       {"preset", preset},
       {"data", c.data.string()},
       {"batch", c.batch},
       {"adam", {{"beta1", c.beta1}, {"beta2", c.beta2}, {"eps", c.eps}}},
       {"lambda", c.lambda},
       {"seed", c.seed},
       {"center_crop", c.center_crop},
       {"background", c.background},
       {"dataset_cache", c.dataset_cache.string()},
       {"log_every", c.log_every},
       {"sample_every", c.sample_every},
       {"checkpoint_every", c.checkpoint_every},
       {"sample_count", c.sample_count},
       {"phi_warm_start", c.phi_warm_start}};
  if (c.prior) j["prior"] = prior_name(*c.prior);
  if (c.augmentation) j["augmentation"] = *c.augmentation;
  if (!c.generator.empty()) j["generator"] = c.generator.string();
  // Written only where it says something, so that one-process runs keep their checkpoints.
  if (c.micro_batches != 1) j["micro_batches"] = c.micro_batches;
  if (c.sync_batch_norm) j["sync_batch_norm"] = true;
  const TrainConfig defaults;
  if (c.posterior != defaults.posterior) j["posterior"] = c.posterior;
  if (c.hidden_weight != defaults.hidden_weight) j["hidden_weight"] = c.hidden_weight;
  if (c.g_steps != defaults.g_steps) j["g_steps"] = c.g_steps;
  if (c.ema_reload_every != defaults.ema_reload_every) j["ema_reload_every"] = c.ema_reload_every;
  for (size_t s = 0; s < c.stages.size(); ++s)
    j["stage" + std::to_string(s + 1)] = schedule_json(c.stages[s]);
}

void from_json(const nlohmann::json& j, TrainConfig& c) {
  // Configs written before there were other models are AEGAN's.
  c.model = j.value("model", std::string("aegan"));
  c.preset = {j.at("preset").at("name").get<std::string>(), {}};
  for (const auto& [name, value] : j.at("preset").items()) {
    if (name != "name") c.preset.values.emplace_back(name, value.get<int>());
  }
  c.prior.reset();
  c.augmentation.reset();
  if (j.contains("augmentation")) c.augmentation = j.at("augmentation").get<Augmentation>();
  if (j.contains("prior")) c.prior = prior_by_name(j.at("prior").get<std::string>());
  c.generator = j.value("generator", std::string());
  c.data = j.at("data").get<std::string>();
  c.batch = j.at("batch").get<int>();
  c.micro_batches = j.value("micro_batches", 1);
  c.sync_batch_norm = j.value("sync_batch_norm", false);
  c.stages.clear();
  for (int s = 1; j.contains("stage" + std::to_string(s)); ++s)
    c.stages.push_back(schedule_from(j.at("stage" + std::to_string(s))));
  c.beta1 = j.at("adam").at("beta1").get<double>();
  c.beta2 = j.at("adam").at("beta2").get<double>();
  c.eps = j.at("adam").at("eps").get<double>();
  c.lambda = j.at("lambda").get<double>();
  c.seed = j.at("seed").get<uint64_t>();
  c.center_crop = j.at("center_crop").get<bool>();
  c.background = j.at("background").get<std::array<uint8_t, 3>>();
  c.dataset_cache = j.at("dataset_cache").get<std::string>();
  c.log_every = j.at("log_every").get<int64_t>();
  c.sample_every = j.at("sample_every").get<int64_t>();
  c.checkpoint_every = j.at("checkpoint_every").get<int64_t>();
  c.sample_count = j.at("sample_count").get<int>();
  c.phi_warm_start = j.value("phi_warm_start", PhiWarmStart::none);
  const TrainConfig defaults;
  c.posterior = j.value("posterior", defaults.posterior);
  c.hidden_weight = j.value("hidden_weight", defaults.hidden_weight);
  c.g_steps = j.value("g_steps", defaults.g_steps);
  c.ema_reload_every = j.value("ema_reload_every", defaults.ema_reload_every);
}

}  // namespace aegan::train
