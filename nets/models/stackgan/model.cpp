#include "nets/models/stackgan/model.hpp"

#include <cmath>
#include <cstdio>
#include <list>

#include "engine/autograd.hpp"
#include "engine/error.hpp"
#include "engine/init.hpp"
#include "engine/ops.hpp"
#include "engine/runtime.hpp"
#include "nets/blocks.hpp"

namespace aegan::stackgan {
namespace {

// docs/models/stackgan.md, "Training schedule".
const std::vector<TrainingStage>& training_stages() {
  static const std::vector<TrainingStage> stages = {
      {"gan", "StackGAN-v2 (every D_i, then G)", {600, 0, 2e-4}, true}};
  return stages;
}

constexpr double kAverageDecay = 0.999;
// The colour-consistency weights: alpha on the means, 5 alpha on the covariances.
constexpr float kColourWeight = 50.0f, kCovarianceFactor = 5.0f;
constexpr int64_t kFloatBytes = 4;

// The generator's averages as a module's buffers, so that they are part of the checkpoint.
class Averages : public nn::Module {
 public:
  explicit Averages(const optim::NamedTensors& averages) {
    for (const auto& [name, tensor] : averages)
      add_buffer(name, tensor);
  }
  Tensor forward(const Tensor&) override {
    throw Error("internal: the generator's average is not a network to run");
  }
};

// "d64", "s128", ...
std::string size_name(char prefix, int size) {
  std::string name(1, prefix);
  name += std::to_string(size);
  return name;
}

Tensor colour_consistency(const Tensor& high, const Tensor& low) {
  const Tensor means = ops::mse_loss(ops::colour_mean(high), ops::colour_mean(low).detach());
  const Tensor covariances =
      ops::mse_loss(ops::colour_covariance(high), ops::colour_covariance(low).detach());
  return ops::add(ops::scale(means, kColourWeight),
                  ops::scale(covariances, kColourWeight * kCovarianceFactor));
}

}  // namespace

ModelSizes preset_sizes(const Preset& p) {
  return {p.name,
          {{"r", p.image_size()},
           {"gf", p.gf},
           {"df", p.df},
           {"nz", p.nz},
           {"residuals", p.residuals}}};
}

Preset preset_from_sizes(const ModelSizes& s) {
  const int r = s.at("r");
  if (r < 64 || r > 512 || !nn::power_of_two(r)) {
    throw Error("StackGAN-v2 makes images of 64, 128, 256 or 512 pixels, not " + std::to_string(r));
  }
  return {s.preset, nn::log2_of(r / 64) + 1, s.at("gf"), s.at("df"), s.at("nz"), s.at("residuals")};
}

void check_training_memory(const std::string& preset, int64_t needed, int64_t available) {
  if (needed <= available) return;
  const auto gib = [](int64_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f GiB", static_cast<double>(bytes) / (1 << 30));
    return std::string(text);
  };
  throw Error("StackGAN-v2 " + preset + " needs " + gib(needed) +
              " of device memory for its weights, gradients and Adam moments; this device has " +
              gib(available));
}

StackganModel::StackganModel(const ModelSizes& sizes, Prior prior)
    : Model(sizes, prior), preset_(preset_from_sizes(sizes)) {
  check_preset(preset_);
  g_ = std::make_unique<Generator>(preset_);
  for (int i = 0; i < preset_.m; ++i) {
    d_.push_back(discriminator(64 << i, preset_.df));
    d_names_.push_back(size_name('d', 64 << i));
  }
  average_ = std::make_unique<optim::WeightAverage>(g_->parameters(), kAverageDecay);
  average_state_ = std::make_unique<Averages>(average_->averages());
  std::vector<float> quarter(3 * 3 * 2 * 2, 0.0f);
  for (int c = 0; c < 3; ++c) {
    for (int k = 0; k < 4; ++k)
      quarter[static_cast<size_t>((c * 3 + c) * 4 + k)] = 0.25f;
  }
  halving_ = Tensor::from_host({3, 3, 2, 2}, quarter);
}

nn::Networks StackganModel::networks() {
  nn::Networks out{{"g", g_.get()}, {"g_ema", average_state_.get()}};
  for (size_t i = 0; i < d_.size(); ++i)
    out.emplace_back(d_names_[i].c_str(), d_[i].get());
  return out;
}

void StackganModel::initialise(uint64_t seed) {
  // BN weights from N(1, 0.02) and zero biases as every model's, then the code's own rule for
  // the weights of convolutions and linear layers, and PyTorch's default for the logits' biases.
  Model::initialise(seed);
  Rng rng(seed ^ 0x5eed0f0a11ull);
  for (auto [prefix, net] : networks()) {
    if (net == average_state_.get()) continue;
    for (auto& [name, tensor] : net->parameters()) {
      if (tensor.rank() >= 2) {
        orthogonal_(tensor, 1.0, rng);
      } else if (name.starts_with("logits.")) {
        const float bound = 1.0f / std::sqrt(static_cast<float>(8 * preset_.df * 16));
        uniform_(tensor, -bound, bound, rng);
      }
    }
  }
  // The average starts as the initial weights.
  const auto live = g_->parameters();
  const auto& averages = average_->averages();
  for (size_t i = 0; i < live.size(); ++i) {
    Tensor average = averages[i].second;
    average.upload(live[i].second.to_host());
  }
}

int64_t StackganModel::training_bytes() {
  int64_t trained = 0;
  for (auto [prefix, net] : networks()) {
    if (net != average_state_.get()) trained += nn::element_count(net->parameters());
  }
  // Weights, gradients and two moments of every parameter, and the average of G's.
  return kFloatBytes * (4 * trained + nn::element_count(average_state_->buffers()));
}

std::vector<TrainingStage> StackganModel::stages() const {
  return training_stages();
}

void StackganModel::prepare_stage(int stage) {
  check_training_memory(sizes().preset, training_bytes(),
                        static_cast<int64_t>(Runtime::get().device().device_local_bytes));
  Model::prepare_stage(stage);
}

train::Optimizers StackganModel::make_optimizers(int stage, const train::TrainConfig& config) {
  const double lr = config.schedule(stage).lr;
  train::Optimizers out;
  for (size_t i = 0; i < d_.size(); ++i) {
    out.push_back(
        train::make_optimizer(d_names_[i], {{d_names_[i].c_str(), d_[i].get()}}, lr, config));
  }
  out.push_back(train::make_optimizer("g", {{"g", g_.get()}}, lr, config));
  return out;
}

std::vector<Tensor> StackganModel::real_images(const Tensor& x) const {
  std::vector<Tensor> out{x};
  while (static_cast<int>(out.size()) < preset_.m)
    out.insert(out.begin(), ops::conv2d(out.front(), halving_, Tensor(), {.stride = 2}));
  return out;
}

train::LossValues StackganModel::step(int stage, train::Optimizers& optimizers,
                                      const StepInputs& in) {
  if (stage != 1) throw Error("StackGAN-v2 has no training stage " + std::to_string(stage));
  std::vector<Tensor> reals;
  {
    NoGradGuard no_grad;
    reals = real_images(in.x);
  }
  // One G pass serves every player: each D_i sees its image detached, G's loss keeps the graph.
  const std::vector<Tensor> fakes = g_->images(in.z);
  train::StepLosses losses;
  for (size_t i = 0; i < d_.size(); ++i) {
    losses.minimise(train::real_fake_loss(*d_[i], reals[i], fakes[i].detach()), d_names_[i].c_str(),
                    train::adam(optimizers, d_names_[i]));
  }
  std::list<train::Frozen> frozen;
  for (const auto& d : d_)
    frozen.emplace_back(*d);
  Tensor adversarial = ops::bce_with_logits(d_[0]->forward(fakes[0]), 1.0f);
  for (size_t i = 1; i < d_.size(); ++i)
    adversarial = ops::add(adversarial, ops::bce_with_logits(d_[i]->forward(fakes[i]), 1.0f));
  Tensor total = adversarial;
  if (d_.size() > 1) {
    Tensor colour = colour_consistency(fakes[1], fakes[0]);
    for (size_t i = 2; i < d_.size(); ++i)
      colour = ops::add(colour, colour_consistency(fakes[i], fakes[i - 1]));
    losses.check(colour, "colour");
    total = ops::add(total, colour);
  }
  optim::Adam& g_adam = train::adam(optimizers, "g");
  losses.minimise(total, "g", g_adam);
  average_->update();
  const int64_t every = in.config.ema_reload_every;
  if (every > 0 && !g_adam.steps().empty() && g_adam.steps()[0] % every == 0) {
    average_->copy_to_parameters();
  }
  return losses.values();
}

std::vector<NamedImages> StackganModel::generate(const Tensor& z) {
  average_->swap_with_parameters();
  std::vector<Tensor> images;
  try {
    images = g_->images(z);
  } catch (...) {
    average_->swap_with_parameters();
    throw;
  }
  average_->swap_with_parameters();
  std::vector<NamedImages> out;
  for (size_t i = 0; i < images.size(); ++i) {
    std::string label = "s_";
    label += std::to_string(i + 1);
    if (i + 1 == images.size()) {
      out.push_back({"image", label, images[i]});
      break;
    }
    Tensor shown = images[i];
    while (shown.dim(2) < image_size())
      shown = ops::upsample_nearest2x(shown);
    const std::string size = std::to_string(64 << i);
    label += " (" + size + "x" + size + ")";
    out.push_back({size_name('s', 64 << i), label, shown});
  }
  return out;
}

ModelKind stackgan_kind() {
  ModelKind kind{
      "stackgan",
      "sg-tiny",
      preset_names(),
      {"r", "gf", "df", "nz", "residuals"},
      [](const std::string& name) { return preset_sizes(preset_by_name(name)); },
      [](const ModelSizes& sizes, Prior prior, std::unique_ptr<Model>) -> std::unique_ptr<Model> {
        return std::make_unique<StackganModel>(sizes, prior);
      },
      Prior::normal,
      24,  // docs/models/stackgan.md: every shipped configuration's batch
      training_stages()};
  kind.augmentation = train::Augmentation::crop_flip;  // the official code's data pipeline
  return kind;
}

}  // namespace aegan::stackgan
