#include <cstdint>

#include "engine/autograd.hpp"
#include "engine/ops.hpp"
#include "engine/ops/launch.hpp"
#include "engine/ops/pointwise_push.hpp"
#include "shaders.hpp"

namespace aegan::ops {
namespace {

uint32_t element_count(const Tensor& x) {
  if (x.numel() > UINT32_MAX) throw Error("tensor of shape " + to_string(x.shape()) + " too large");
  return static_cast<uint32_t>(x.numel());
}

// y = kernel(a, b) without recording; b may be undefined for unary kernels.
Tensor run(const vk::ShaderCode& kernel, const Tensor& a, const Tensor& b, float alpha = 0.0f,
           uint64_t seed = 0) {
  if (b.defined() && b.shape() != a.shape()) {
    throw Error(std::string(kernel.name) + ": shapes " + to_string(a.shape()) + " and " +
                to_string(b.shape()) + " differ");
  }
  Tensor y = Tensor::empty(a.shape());
  const uint32_t n = element_count(a);
  PointwisePush push{a.address(),
                     b.defined() ? b.address() : a.address(),
                     y.address(),
                     n,
                     alpha,
                     static_cast<uint32_t>(seed),
                     static_cast<uint32_t>(seed >> 32)};
  const Tensor& second = b.defined() ? b : a;
  const bool quads = whole_vec4s(n, {&a, &second, &y});
  const uint32_t size = Runtime::get().workgroup_size();
  launch_reading(kernel, {size, quads ? 1u : 0u}, grid_1d(quads ? n / 4 : n, size), push,
                 {{&PointwisePush::a, {&a, quads}}, {&PointwisePush::b, {&second, quads}}},
                 {a.reads(), second.reads(), y.writes()});
  return y;
}

// Unary op whose derivative is computed from its input (saved = x) or its output (saved = y).
Tensor unary(const vk::ShaderCode& forward, const vk::ShaderCode& backward, const char* name,
             const Tensor& x, float alpha, bool backward_from_output) {
  Tensor y = run(forward, x, Tensor(), alpha);
  if (needs_grad({&x})) {
    Tensor saved = backward_from_output ? y.detach() : x.detach();
    record(y, name, {x}, [&backward, saved, alpha](const Tensor& grad) {
      return std::vector<Tensor>{run(backward, saved, grad, alpha)};
    });
  }
  return y;
}

}  // namespace

Tensor add(const Tensor& a, const Tensor& b) {
  Tensor y = run(shaders::pointwise_add, a, b);
  if (needs_grad({&a, &b})) {
    record(y, "add", {a, b}, [](const Tensor& grad) { return std::vector<Tensor>{grad, grad}; });
  }
  return y;
}

Tensor sub(const Tensor& a, const Tensor& b) {
  Tensor y = run(shaders::pointwise_sub, a, b);
  if (needs_grad({&a, &b})) {
    record(y, "sub", {a, b}, [](const Tensor& grad) {
      return std::vector<Tensor>{grad, run(shaders::pointwise_scale, grad, Tensor(), -1.0f)};
    });
  }
  return y;
}

Tensor mul(const Tensor& a, const Tensor& b) {
  Tensor y = run(shaders::pointwise_mul, a, b);
  if (needs_grad({&a, &b})) {
    record(y, "mul", {a, b}, [a = a.detach(), b = b.detach()](const Tensor& grad) {
      return std::vector<Tensor>{run(shaders::pointwise_mul, grad, b),
                                 run(shaders::pointwise_mul, grad, a)};
    });
  }
  return y;
}

Tensor scale(const Tensor& x, float factor) {
  Tensor y = run(shaders::pointwise_scale, x, Tensor(), factor);
  if (needs_grad({&x})) {
    record(y, "scale", {x}, [factor](const Tensor& grad) {
      return std::vector<Tensor>{run(shaders::pointwise_scale, grad, Tensor(), factor)};
    });
  }
  return y;
}

Tensor relu(const Tensor& x) {
  return unary(shaders::pointwise_relu, shaders::pointwise_relu_backward, "relu", x, 0.0f, false);
}

Tensor leaky_relu(const Tensor& x, float slope) {
  return unary(shaders::pointwise_leaky_relu, shaders::pointwise_leaky_relu_backward, "leaky_relu",
               x, slope, false);
}

Tensor tanh(const Tensor& x) {
  return unary(shaders::pointwise_tanh, shaders::pointwise_tanh_backward, "tanh", x, 0.0f, true);
}

Tensor sigmoid(const Tensor& x) {
  return unary(shaders::pointwise_sigmoid, shaders::pointwise_sigmoid_backward, "sigmoid", x, 0.0f,
               true);
}

Tensor exp(const Tensor& x) {
  return unary(shaders::pointwise_exp, shaders::pointwise_exp_backward, "exp", x, 0.0f, true);
}

Tensor sqrt(const Tensor& x) {
  return unary(shaders::pointwise_sqrt, shaders::pointwise_sqrt_backward, "sqrt", x, 0.0f, true);
}

Tensor activate(const Tensor& x, Activation activation, float leaky_slope) {
  switch (activation) {
    case Activation::relu:
      return relu(x);
    case Activation::leaky_relu:
      return leaky_relu(x, leaky_slope);
    case Activation::tanh:
      return tanh(x);
    case Activation::none:
      break;
  }
  return x;
}

bool gradient_from_output(Activation activation, float leaky_slope) {
  return activation == Activation::relu ||
         (activation == Activation::leaky_relu && leaky_slope >= 0.0f);
}

Tensor activation_gradient(const Tensor& y, const Tensor& grad, Activation activation,
                           float leaky_slope) {
  if (!gradient_from_output(activation, leaky_slope)) {
    throw Error("activation_gradient: the activation's derivative does not follow from its output");
  }
  // y > 0 exactly where the activation's input is, which is all the backward kernels test.
  return activation == Activation::relu
             ? run(shaders::pointwise_relu_backward, y, grad)
             : run(shaders::pointwise_leaky_relu_backward, y, grad, leaky_slope);
}

Tensor dropout(const Tensor& x, float p, uint64_t seed, bool training) {
  if (p < 0.0f || p >= 1.0f) throw Error("dropout probability must be in [0, 1)");
  if (!training || p == 0.0f) return x;
  Tensor y = run(shaders::pointwise_dropout, x, Tensor(), p, seed);
  if (needs_grad({&x})) {
    record(y, "dropout", {x}, [p, seed](const Tensor& grad) {
      return std::vector<Tensor>{run(shaders::pointwise_dropout, grad, Tensor(), p, seed)};
    });
  }
  return y;
}

}  // namespace aegan::ops
