#include "nets/train/gan.hpp"

#include <cmath>

#include "engine/autograd.hpp"
#include "engine/ops.hpp"

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

float checked(const Tensor& loss, const char* name, LossValues& values) {
  const float value = loss.item();
  if (!std::isfinite(value)) throw NonFiniteLoss(name);
  values.emplace_back(name, value);
  return value;
}

void minimise(const Tensor& loss, const char* name, optim::Adam& optimizer, LossValues& values) {
  checked(loss, name, values);
  optimizer.zero_grad();
  loss.backward();
  optimizer.step();
}

Tensor real_fake_loss(nn::Module& discriminator, const Tensor& real, const Tensor& fake) {
  return ops::add(ops::bce_with_logits(discriminator.forward(real), 1.0f),
                  ops::bce_with_logits(discriminator.forward(fake), 0.0f));
}

}  // namespace aegan::train
