#include "nets/train/gan.hpp"

#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "engine/autograd.hpp"
#include "engine/ops.hpp"
#include "nets/train/gradient_sync.hpp"

namespace aegan::train {

NonFiniteLoss::NonFiniteLoss(const std::string& loss)
    : Error("loss '" + loss + "' is not finite"), loss_(loss) {}

Optimizer make_optimizer(const std::string& name, const nn::Networks& networks, double lr,
                         const TrainConfig& config) {
  Optimizer optimizer{name, {}, nullptr};
  std::vector<Tensor> parameters;
  for (auto [prefix, net] : networks) {
    for (auto& [parameter, tensor] : net->parameters(std::string(prefix) + ".")) {
      optimizer.parameter_names.push_back(parameter);
      parameters.push_back(tensor);
    }
  }
  optimizer.adam = std::make_unique<optim::Adam>(
      std::move(parameters), optim::AdamOptions{lr, config.beta1, config.beta2, config.eps});
  return optimizer;
}

optim::Adam& adam(Optimizers& optimizers, const std::string& name) {
  for (Optimizer& optimizer : optimizers) {
    if (optimizer.name == name) return *optimizer.adam;
  }
  throw Error("internal: no optimiser '" + name + "' in this stage");
}

StepLosses::StepLosses() : flag_(Tensor::zeros({1})), sync_(GradientSync::current()) {}

void StepLosses::check(const Tensor& loss, const char* name) {
  ops::flag_non_finite(loss, flag_);
  losses_.push_back(loss.detach());
  names_.push_back(name);
}

void StepLosses::minimise(const Tensor& loss, const char* name, optim::Adam& optimizer) {
  check(loss, name);
  optimizer.zero_grad();
  if (sync_) {
    sync_->backward_and_step(loss, optimizer, flag_);
    return;
  }
  loss.backward();
  gated_.push_back({&optimizer, optimizer.steps(), losses_.size()});
  optimizer.step(flag_);
}

LossValues StepLosses::values() {
  std::vector<Tensor> tensors = losses_;
  tensors.push_back(flag_);
  const std::vector<float> host = Tensor::items(tensors);
  if (sync_) return named(host);
  size_t bad = 0;
  while (bad < losses_.size() && std::isfinite(host[bad]))
    ++bad;
  const bool flagged = std::bit_cast<uint32_t>(host.back()) != 0;
  if (flagged != (bad < losses_.size())) {
    throw Error("internal error: the device's finiteness flag disagrees with the losses");
  }
  if (flagged) {
    // Latest first, so that an optimiser stepped twice ends with the counts before the first.
    for (auto gated = gated_.rbegin(); gated != gated_.rend(); ++gated) {
      if (gated->losses_before > bad) gated->optimizer->set_steps(gated->steps_before);
    }
    throw NonFiniteLoss(names_[bad]);
  }
  return named(host);
}

LossValues StepLosses::named(const std::vector<float>& host) const {
  LossValues values;
  for (size_t i = 0; i < losses_.size(); ++i)
    values.emplace_back(names_[i], host[i]);
  return values;
}

Tensor real_fake_loss(nn::Module& discriminator, const Tensor& real, const Tensor& fake) {
  // Two statements: the order of a call's arguments is unspecified (GCC runs the last first), and
  // the passes update the BN running statistics in the order they run.
  const Tensor real_loss = ops::bce_with_logits(discriminator.forward(real), 1.0f);
  return ops::add(real_loss, ops::bce_with_logits(discriminator.forward(fake), 0.0f));
}

}  // namespace aegan::train
