#include "nets/train/config.hpp"

#include <nlohmann/json.hpp>

#include "engine/error.hpp"

namespace aegan::train {

NLOHMANN_JSON_SERIALIZE_ENUM(PhiWarmStart, {{PhiWarmStart::none, "none"},
                                            {PhiWarmStart::identity, "identity"},
                                            {PhiWarmStart::restore, "restore"}})

namespace {

nlohmann::json schedule_json(const StageSchedule& s) {
  return {{"epochs", s.epochs}, {"steps", s.steps}, {"lr", s.lr}};
}

StageSchedule schedule_from(const nlohmann::json& j) {
  return {j.at("epochs").get<int64_t>(), j.at("steps").get<int64_t>(), j.at("lr").get<double>()};
}

}  // namespace

const StageSchedule& TrainConfig::schedule(int stage) const {
  switch (stage) {
    case 1:
      return autoencoder;
    case 2:
      return gan;
    case 3:
      return finetune;
  }
  throw Error("no training stage " + std::to_string(stage));
}

void to_json(nlohmann::json& j, const TrainConfig& c) {
  j = {{"preset",
        {{"name", c.preset.name},
         {"r", c.preset.r},
         {"es", c.preset.es},
         {"ec", c.preset.ec},
         {"w", c.preset.w},
         {"nz", c.preset.nz}}},
       {"data", c.data.string()},
       {"batch", c.batch},
       {"stage1", schedule_json(c.autoencoder)},
       {"stage2", schedule_json(c.gan)},
       {"stage3", schedule_json(c.finetune)},
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
}

void from_json(const nlohmann::json& j, TrainConfig& c) {
  const auto& p = j.at("preset");
  c.preset = {p.at("name").get<std::string>(), p.at("r").get<int>(), p.at("es").get<int>(),
              p.at("ec").get<int>(),           p.at("w").get<int>(), p.at("nz").get<int>()};
  c.data = j.at("data").get<std::string>();
  c.batch = j.at("batch").get<int>();
  c.autoencoder = schedule_from(j.at("stage1"));
  c.gan = schedule_from(j.at("stage2"));
  c.finetune = schedule_from(j.at("stage3"));
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
}

}  // namespace aegan::train
