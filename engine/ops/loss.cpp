#include <cstdint>
#include <string>

#include "engine/autograd.hpp"
#include "engine/ops.hpp"
#include "engine/ops/launch.hpp"
#include "engine/ops/reduce.hpp"
#include "shaders.hpp"

namespace aegan::ops {
namespace {

struct LossPush {
  VkDeviceAddress a;
  VkDeviceAddress b;
  VkDeviceAddress g;
  VkDeviceAddress y;
  uint32_t n;
  float alpha;
};

// 1/N of a loss over `a` and `b` (same shape, at least one element).
float inverse_count(const char* name, const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape()) {
    throw Error(std::string(name) + ": shapes " + to_string(a.shape()) + " and " +
                to_string(b.shape()) + " differ");
  }
  if (a.numel() == 0 || a.numel() > UINT32_MAX) {
    throw Error(std::string(name) + ": unsupported size " + to_string(a.shape()));
  }
  return 1.0f / static_cast<float>(a.numel());
}

// Elementwise kernel over a (and b, g); g is the loss gradient for backward kernels.
Tensor run(const vk::ShaderCode& kernel, const Tensor& a, const Tensor& b, const Tensor& g,
           float alpha) {
  Tensor y = Tensor::empty(a.shape());
  const auto n = static_cast<uint32_t>(a.numel());
  const Tensor& grad = g.defined() ? g : a;
  LossPush push{a.address(), b.address(), grad.address(), y.address(), n, alpha};
  launch_1d(kernel, n, push, {a.reads(), b.reads(), grad.reads(), y.writes()});
  return y;
}

struct FlagPush {
  VkDeviceAddress values;
  VkDeviceAddress flag;
  uint32_t n;
};

Tensor mean_of(const Tensor& values, float inverse) {
  return broadcast_scalar(sum_all(values), {1}, inverse);
}

}  // namespace

Tensor l1_loss(const Tensor& prediction, const Tensor& target) {
  const float inverse = inverse_count("l1_loss", prediction, target);
  Tensor y = mean_of(run(shaders::loss_abs_diff, prediction, target, Tensor(), 0.0f), inverse);
  if (needs_grad({&prediction, &target})) {
    record(
        y, "l1_loss", {prediction, target},
        [p = prediction.detach(), t = target.detach(), inverse, p_grad = prediction.requires_grad(),
         t_grad = target.requires_grad()](const Tensor& grad) {
          return std::vector<Tensor>{
              p_grad ? run(shaders::loss_l1_backward, p, t, grad, inverse) : Tensor(),
              t_grad ? run(shaders::loss_l1_backward, p, t, grad, -inverse) : Tensor()};
        });
  }
  return y;
}

Tensor mse_loss(const Tensor& prediction, const Tensor& target) {
  const float inverse = inverse_count("mse_loss", prediction, target);
  Tensor y = mean_of(run(shaders::loss_squared_diff, prediction, target, Tensor(), 0.0f), inverse);
  if (needs_grad({&prediction, &target})) {
    record(
        y, "mse_loss", {prediction, target},
        [p = prediction.detach(), t = target.detach(), inverse, p_grad = prediction.requires_grad(),
         t_grad = target.requires_grad()](const Tensor& grad) {
          // d/dp of (p - t)^2 / N is 2 (p - t) / N.
          return std::vector<Tensor>{
              p_grad ? run(shaders::loss_mse_backward, p, t, grad, 2.0f * inverse) : Tensor(),
              t_grad ? run(shaders::loss_mse_backward, p, t, grad, -2.0f * inverse) : Tensor()};
        });
  }
  return y;
}

Tensor bce_with_logits(const Tensor& logits, const Tensor& targets) {
  const float inverse = inverse_count("bce_with_logits", logits, targets);
  Tensor y = mean_of(run(shaders::loss_bce, logits, targets, Tensor(), 0.0f), inverse);
  if (needs_grad({&logits, &targets})) {
    // d/dt of max(x, 0) - x t + log(1 + exp(-|x|)) is -x.
    record(y, "bce_with_logits", {logits, targets},
           [x = logits.detach(), t = targets.detach(), inverse, x_grad = logits.requires_grad(),
            t_grad = targets.requires_grad()](const Tensor& grad) {
             return std::vector<Tensor>{
                 x_grad ? run(shaders::loss_bce_backward, x, t, grad, inverse) : Tensor(),
                 t_grad ? run(shaders::loss_times_grad, x, x, grad, -inverse) : Tensor()};
           });
  }
  return y;
}

Tensor bce_with_logits(const Tensor& logits, float target) {
  return bce_with_logits(logits, Tensor::full(logits.shape(), target));
}

void flag_non_finite(const Tensor& values, const Tensor& flag) {
  if (flag.numel() != 1) {
    throw Error("flag_non_finite: the flag must have one element, not shape " +
                to_string(flag.shape()));
  }
  if (values.numel() > UINT32_MAX) {
    throw Error("flag_non_finite: unsupported size " + to_string(values.shape()));
  }
  const auto n = static_cast<uint32_t>(values.numel());
  launch_1d(shaders::finite, n, FlagPush{values.address(), flag.address(), n},
            {values.reads(), flag.writes()});
}

}  // namespace aegan::ops
