#include "engine/optim/adam.hpp"

#include <algorithm>
#include <cmath>
#include <span>
#include <string>
#include <utility>

#include "engine/ops/launch.hpp"
#include "shaders.hpp"

namespace aegan::optim {
namespace {

struct AdamPush {
  VkDeviceAddress param;
  VkDeviceAddress exp_avg;
  VkDeviceAddress exp_avg_sq;
  VkDeviceAddress grad;
  VkDeviceAddress param_in;  // texel twin: the offsets of param, exp_avg, exp_avg_sq in views
  VkDeviceAddress exp_avg_in;
  VkDeviceAddress exp_avg_sq_in;
  VkDeviceAddress skip;  // 0: never skipped
  uint32_t n;
  float beta1;
  float one_minus_beta1;
  float beta2;
  float one_minus_beta2;
  float step_size;
  float sqrt_bc2;
  float eps;
};

// One parameter of a step_many dispatch, as shaders/adam.comp's Entry.
struct AdamEntry {
  VkDeviceAddress param;
  VkDeviceAddress exp_avg;
  VkDeviceAddress exp_avg_sq;
  VkDeviceAddress grad;
  uint32_t n;
  float step_size;
  float sqrt_bc2;
  uint32_t padding;  // keeps entries 8-byte aligned
};
static_assert(sizeof(AdamEntry) == 48);

struct AdamManyPush {
  VkDeviceAddress entries;
  VkDeviceAddress skip;
  uint32_t count;
  float beta1;
  float one_minus_beta1;
  float beta2;
  float one_minus_beta2;
  float eps;
};

// Parameters of at most this many elements (batch norm's, biases) share one dispatch: on lavapipe
// each dispatch costs 30 to 40 us, more than updating a thousand values.
constexpr uint32_t kSharedDispatchElements = 1024;

void check_lr(double lr) {
  if (!(lr >= 0.0) || !std::isfinite(lr)) {
    throw Error("Adam: learning rate must be finite and >= 0, got " + std::to_string(lr));
  }
}

void check_same_shape(const Tensor& state, const Tensor& parameter, const char* what) {
  if (!state.defined() || state.shape() != parameter.shape()) {
    throw Error(std::string("Adam: ") + what + " of shape " +
                (state.defined() ? to_string(state.shape()) : "(none)") +
                " does not match its parameter " + to_string(parameter.shape()));
  }
}

void check_options(const AdamOptions& options) {
  check_lr(options.lr);
  if (!(options.beta1 >= 0.0 && options.beta1 < 1.0 && options.beta2 >= 0.0 &&
        options.beta2 < 1.0)) {
    throw Error("Adam: betas must be in [0, 1)");
  }
  if (!(options.eps >= 0.0) || !std::isfinite(options.eps)) {
    throw Error("Adam: eps must be finite and >= 0");
  }
}

// Updates the parameters of `entries` in one dispatch; `accesses` lists every tensor they read or
// write.
void step_shared(const std::vector<AdamEntry>& entries, std::vector<vk::Access> accesses,
                 VkDeviceAddress skip, const AdamOptions& options) {
  const std::vector<float> words = ops::table_words(entries);
  const Tensor table = Tensor::from_host({static_cast<int64_t>(words.size())}, words);
  accesses.push_back(table.reads());
  const AdamManyPush push{table.address(),
                          skip,
                          static_cast<uint32_t>(entries.size()),
                          static_cast<float>(options.beta1),
                          static_cast<float>(1.0 - options.beta1),
                          static_cast<float>(options.beta2),
                          static_cast<float>(1.0 - options.beta2),
                          static_cast<float>(options.eps)};
  const uint32_t size = std::min(Runtime::get().workgroup_size(), kSharedDispatchElements);
  // A workgroup per entry, in rows of at most the device's workgroup count along x.
  const uint32_t count = static_cast<uint32_t>(entries.size());
  const uint32_t row = std::min(count, Runtime::get().device().max_workgroup_count[0]);
  ops::launch(shaders::adam_step_many, {size}, {row, (count + row - 1) / row, 1}, push,
              std::span<const vk::Access>(accesses));
}

}  // namespace

Adam::Adam(std::vector<Tensor> parameters, const AdamOptions& options)
    : parameters_(std::move(parameters)), options_(options), steps_(parameters_.size(), 0) {
  check_options(options);
  for (const Tensor& parameter : parameters_) {
    if (!parameter.defined() || !parameter.requires_grad() || parameter.grad_fn()) {
      throw Error("Adam: parameters must be leaf tensors that require grad");
    }
    // A parameter listed twice would be updated twice per step, and concurrently where small.
    for (const Tensor& other : parameters_) {
      if (&other != &parameter && other.storage_id() == parameter.storage_id()) {
        throw Error("Adam: a parameter appears more than once");
      }
    }
    if (parameter.numel() > UINT32_MAX) {
      throw Error("Adam: parameter of shape " + to_string(parameter.shape()) + " too large");
    }
    exp_avg_.push_back(Tensor::zeros(parameter.shape()));
    exp_avg_sq_.push_back(Tensor::zeros(parameter.shape()));
  }
}

void Adam::set_lr(double lr) {
  check_lr(lr);
  options_.lr = lr;
}

void Adam::set_options(const AdamOptions& options) {
  check_options(options);
  options_ = options;
}

void Adam::set_steps(std::vector<int64_t> steps) {
  if (steps.size() != parameters_.size()) {
    throw Error("Adam: " + std::to_string(steps.size()) + " step counts for " +
                std::to_string(parameters_.size()) + " parameters");
  }
  for (int64_t count : steps)
    if (count < 0) throw Error("Adam: step counts must be >= 0");
  steps_ = std::move(steps);
}

void Adam::step(const Tensor& skip) {
  if (exp_avg_.size() != parameters_.size() || exp_avg_sq_.size() != parameters_.size()) {
    throw Error("Adam: optimiser state does not match the parameter list");
  }
  if (skip.defined() && skip.numel() != 1) {
    throw Error("Adam: the skip flag must have one element, not shape " + to_string(skip.shape()));
  }
  for (size_t i = 0; i < parameters_.size(); ++i) {
    const Tensor& parameter = parameters_[i];
    const Tensor grad = parameter.grad();
    if (grad.defined() && grad.numel() != parameter.numel()) {
      throw Error("Adam: gradient of shape " + to_string(grad.shape()) +
                  " does not match its parameter " + to_string(parameter.shape()));
    }
    check_same_shape(exp_avg_[i], parameter, "first moment");
    check_same_shape(exp_avg_sq_[i], parameter, "second moment");
  }
  const VkDeviceAddress skip_address = skip.defined() ? skip.address() : 0;
  std::vector<AdamEntry> small;
  std::vector<vk::Access> small_accesses;
  if (skip.defined()) small_accesses.push_back(skip.reads());
  for (size_t i = 0; i < parameters_.size(); ++i) {
    const Tensor& parameter = parameters_[i];
    const Tensor grad = parameter.grad();
    if (!grad.defined()) continue;
    const double t = static_cast<double>(++steps_[i]);
    const double bias_correction1 = 1.0 - std::pow(options_.beta1, t);
    const double bias_correction2 = 1.0 - std::pow(options_.beta2, t);
    const uint32_t n = static_cast<uint32_t>(parameter.numel());
    const float step_size = static_cast<float>(options_.lr / bias_correction1);
    const float sqrt_bc2 = static_cast<float>(std::sqrt(bias_correction2));
    if (n <= kSharedDispatchElements) {
      small.push_back({parameter.address(), exp_avg_[i].address(), exp_avg_sq_[i].address(),
                       grad.address(), n, step_size, sqrt_bc2, 0});
      small_accesses.insert(small_accesses.end(), {parameter.writes(), grad.reads(),
                                                   exp_avg_[i].writes(), exp_avg_sq_[i].writes()});
      continue;
    }
    AdamPush push{parameter.address(),
                  exp_avg_[i].address(),
                  exp_avg_sq_[i].address(),
                  grad.address(),
                  parameter.address(),
                  exp_avg_[i].address(),
                  exp_avg_sq_[i].address(),
                  skip_address,
                  n,
                  static_cast<float>(options_.beta1),
                  static_cast<float>(1.0 - options_.beta1),
                  static_cast<float>(options_.beta2),
                  static_cast<float>(1.0 - options_.beta2),
                  step_size,
                  sqrt_bc2,
                  static_cast<float>(options_.eps)};
    const bool quads = ops::whole_vec4s(n, {&parameter, &grad, &exp_avg_[i], &exp_avg_sq_[i]});
    const uint32_t size = Runtime::get().workgroup_size();
    ops::launch_reading(
        shaders::adam_step, {size, quads ? 1u : 0u}, ops::grid_1d(quads ? n / 4 : n, size), push,
        {{&AdamPush::param_in, {&parameter, quads}},
         {&AdamPush::grad, {&grad, quads}},
         {&AdamPush::exp_avg_in, {&exp_avg_[i], quads}},
         {&AdamPush::exp_avg_sq_in, {&exp_avg_sq_[i], quads}}},
        {parameter.writes(), grad.reads(), exp_avg_[i].writes(), exp_avg_sq_[i].writes(),
         skip.defined() ? skip.reads() : vk::Access{}});  // an empty range orders nothing
  }
  if (!small.empty()) step_shared(small, std::move(small_accesses), skip_address, options_);
}

void Adam::zero_grad() {
  for (Tensor& parameter : parameters_)
    parameter.zero_grad();
}

}  // namespace aegan::optim
