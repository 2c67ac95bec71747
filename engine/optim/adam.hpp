#pragma once
#include <cstdint>
#include <vector>

#include "engine/tensor.hpp"

namespace aegan::optim {

// Hyperparameters in double, like PyTorch's Python floats, so the bias corrections are exact
// before they are rounded for the kernel. lr has no default: every caller must choose one.
struct AdamOptions {
  double lr = 0.0;
  double beta1 = 0.5;  // the AEGAN spec's betas, not PyTorch's (0.9, 0.999)
  double beta2 = 0.999;
  double eps = 1e-8;
};

// torch.optim.Adam without weight decay or amsgrad, with the moments on the GPU and one fused
// kernel per parameter (parameters of at most 1024 values share one dispatch):
//   m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2,
//   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
// Like PyTorch, each parameter counts its own steps t: a parameter without a gradient at a step
// is left untouched, moments and count included.
class Adam {
 public:
  Adam(std::vector<Tensor> parameters, const AdamOptions& options);

  // Updates every parameter that has a gradient, in place; records the work on the stream.
  // With `skip` (a one-element flag that ops::flag_non_finite sets), the device leaves every
  // parameter and both moments as they are where the flag is set when the update runs, and the
  // host need not wait to learn it. The step counts advance at once all the same, since the bias
  // corrections they give are computed here: a caller that finds the flag set puts them back with
  // set_steps(), so that the next step and a checkpoint continue as if this one never ran.
  void step(const Tensor& skip = Tensor());
  // Forgets the gradients of all parameters; the next backward() starts from zero.
  void zero_grad();

  // Hyperparameters may change between steps (training stages use different learning rates).
  double lr() const { return options_.lr; }
  void set_lr(double lr);
  const AdamOptions& options() const { return options_; }
  void set_options(const AdamOptions& options);
  const std::vector<Tensor>& parameters() const { return parameters_; }

  // State for checkpoints, in the order of parameters(): the first and second moments (same
  // shapes, zero before a parameter's first step) and each parameter's step count (PyTorch's
  // state["step"]). A restore may copy into the moments or replace them with tensors of the same
  // shapes; step() checks both before it records any work.
  std::vector<Tensor>& exp_avg() { return exp_avg_; }
  std::vector<Tensor>& exp_avg_sq() { return exp_avg_sq_; }
  const std::vector<int64_t>& steps() const { return steps_; }
  void set_steps(std::vector<int64_t> steps);

 private:
  std::vector<Tensor> parameters_;
  AdamOptions options_;
  std::vector<Tensor> exp_avg_;
  std::vector<Tensor> exp_avg_sq_;
  std::vector<int64_t> steps_;
};

}  // namespace aegan::optim
