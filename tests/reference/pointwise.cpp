#include <algorithm>
#include <cmath>

#include "tests/reference/detail.hpp"
#include "tests/reference/reference.hpp"

namespace aegan::reference {

using detail::require;
using detail::require_same_shape;

namespace {

template <typename F>
Tensor map(const Tensor& x, F f) {
  Tensor y(x.shape);
  for (size_t i = 0; i < x.data.size(); ++i)
    y.data[i] = f(x.data[i]);
  return y;
}

template <typename F>
Tensor zip(const Tensor& a, const Tensor& b, const char* where, F f) {
  require_same_shape(a, b, where);
  Tensor y(a.shape);
  for (size_t i = 0; i < a.data.size(); ++i)
    y.data[i] = f(a.data[i], b.data[i]);
  return y;
}

// Written in two branches so that exp never overflows: for x < 0, exp(x) is small.
double sigmoid_of(double x) {
  if (x >= 0.0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

// Scale applied to kept elements; PyTorch defines p == 1 as "drop everything" rather than 0/0.
double dropout_scale(double p) {
  require(p >= 0.0 && p <= 1.0, "dropout", "p must lie in [0, 1]");
  return p == 1.0 ? 0.0 : 1.0 / (1.0 - p);
}

}  // namespace

Tensor relu(const Tensor& x) {
  return map(x, [](double v) { return v > 0.0 ? v : 0.0; });
}

Tensor relu_backward(const Tensor& x, const Tensor& grad_y) {
  return zip(x, grad_y, "relu_backward", [](double v, double g) { return v > 0.0 ? g : 0.0; });
}

Tensor leaky_relu(const Tensor& x, double slope) {
  return map(x, [slope](double v) { return v > 0.0 ? v : slope * v; });
}

Tensor leaky_relu_backward(const Tensor& x, const Tensor& grad_y, double slope) {
  return zip(x, grad_y, "leaky_relu_backward",
             [slope](double v, double g) { return v > 0.0 ? g : slope * g; });
}

Tensor tanh(const Tensor& x) {
  return map(x, [](double v) { return std::tanh(v); });
}

Tensor tanh_backward(const Tensor& x, const Tensor& grad_y) {
  return zip(x, grad_y, "tanh_backward", [](double v, double g) {
    const double t = std::tanh(v);
    return g * (1.0 - t * t);
  });
}

Tensor sigmoid(const Tensor& x) {
  return map(x, sigmoid_of);
}

Tensor sigmoid_backward(const Tensor& x, const Tensor& grad_y) {
  return zip(x, grad_y, "sigmoid_backward", [](double v, double g) {
    const double s = sigmoid_of(v);
    return g * s * (1.0 - s);
  });
}

Tensor exp(const Tensor& x) {
  return map(x, [](double v) { return std::exp(v); });
}

Tensor exp_backward(const Tensor& x, const Tensor& grad_y) {
  return zip(x, grad_y, "exp_backward", [](double v, double g) { return g * std::exp(v); });
}

Tensor sqrt(const Tensor& x) {
  return map(x, [](double v) {
    require(v >= 0.0, "sqrt", "negative element");
    return std::sqrt(v);
  });
}

Tensor sqrt_backward(const Tensor& x, const Tensor& grad_y) {
  return zip(x, grad_y, "sqrt_backward", [](double v, double g) {
    require(v > 0.0, "sqrt_backward", "element not positive");
    return g / (2.0 * std::sqrt(v));
  });
}

namespace {

// x as [outer, 2, half, inner] with outer the size of dim 0, half = C / 2 and inner the rest.
struct GluView {
  int64_t outer, half, inner;
};

GluView glu_view(const Tensor& x, const char* where) {
  require(x.shape.size() >= 2 && x.shape[1] % 2 == 0, where, "needs rank >= 2 and an even dim 1");
  GluView v{x.shape[0], x.shape[1] / 2, 1};
  for (size_t d = 2; d < x.shape.size(); ++d)
    v.inner *= x.shape[d];
  return v;
}

// Flat indices of the gate's value and of its gate for output element (o, c, r).
size_t glu_value(const GluView& v, int64_t o, int64_t c, int64_t r) {
  return static_cast<size_t>((o * 2 * v.half + c) * v.inner + r);
}

size_t glu_gate(const GluView& v, int64_t o, int64_t c, int64_t r) {
  return glu_value(v, o, c + v.half, r);
}

}  // namespace

Tensor glu(const Tensor& x) {
  const GluView v = glu_view(x, "glu");
  std::vector<int64_t> shape = x.shape;
  shape[1] = v.half;
  Tensor y(shape);
  size_t i = 0;
  for (int64_t o = 0; o < v.outer; ++o)
    for (int64_t c = 0; c < v.half; ++c)
      for (int64_t r = 0; r < v.inner; ++r)
        y.data[i++] = x.data[glu_value(v, o, c, r)] * sigmoid_of(x.data[glu_gate(v, o, c, r)]);
  return y;
}

Tensor glu_backward(const Tensor& x, const Tensor& grad_y) {
  const GluView v = glu_view(x, "glu_backward");
  detail::require_shape(grad_y, glu(x).shape, "glu_backward", "grad_y");
  Tensor dx(x.shape);
  size_t i = 0;
  for (int64_t o = 0; o < v.outer; ++o) {
    for (int64_t c = 0; c < v.half; ++c) {
      for (int64_t r = 0; r < v.inner; ++r) {
        const size_t a = glu_value(v, o, c, r), b = glu_gate(v, o, c, r);
        const double s = sigmoid_of(x.data[b]), g = grad_y.data[i++];
        dx.data[a] = g * s;
        dx.data[b] = g * x.data[a] * s * (1.0 - s);
      }
    }
  }
  return dx;
}

Tensor dropout(const Tensor& x, const Tensor& mask, double p) {
  const double k = dropout_scale(p);
  return zip(x, mask, "dropout", [k](double v, double m) { return v * m * k; });
}

Tensor dropout_backward(const Tensor& mask, const Tensor& grad_y, double p) {
  const double k = dropout_scale(p);
  return zip(mask, grad_y, "dropout_backward", [k](double m, double g) { return g * m * k; });
}

Tensor add(const Tensor& a, const Tensor& b) {
  return zip(a, b, "add", [](double u, double v) { return u + v; });
}

Tensor mul(const Tensor& a, const Tensor& b) {
  return zip(a, b, "mul", [](double u, double v) { return u * v; });
}

Tensor scale(const Tensor& x, double s) {
  return map(x, [s](double v) { return s * v; });
}

MulGrads mul_backward(const Tensor& a, const Tensor& b, const Tensor& grad_y) {
  require_same_shape(a, b, "mul_backward");
  return {mul(grad_y, b), mul(grad_y, a)};
}

double l1_loss(const Tensor& a, const Tensor& b) {
  require(!a.data.empty(), "l1_loss", "empty tensor");
  return mean(zip(a, b, "l1_loss", [](double u, double v) { return std::abs(u - v); }));
}

Tensor l1_loss_backward(const Tensor& a, const Tensor& b, double grad_out) {
  require(!a.data.empty(), "l1_loss_backward", "empty tensor");
  const double k = grad_out / static_cast<double>(a.data.size());
  return zip(a, b, "l1_loss_backward", [k](double u, double v) {
    const double d = u - v;
    return d > 0.0 ? k : (d < 0.0 ? -k : 0.0);
  });
}

double mse_loss(const Tensor& a, const Tensor& b) {
  require(!a.data.empty(), "mse_loss", "empty tensor");
  return mean(zip(a, b, "mse_loss", [](double u, double v) { return (u - v) * (u - v); }));
}

Tensor mse_loss_backward(const Tensor& a, const Tensor& b, double grad_out) {
  require(!a.data.empty(), "mse_loss_backward", "empty tensor");
  const double k = 2.0 * grad_out / static_cast<double>(a.data.size());
  return zip(a, b, "mse_loss_backward", [k](double u, double v) { return (u - v) * k; });
}

// -[t log s + (1 - t) log(1 - s)] with s = sigmoid(x) equals log(1 + e^x) - x t, and
// log(1 + e^x) = max(x, 0) + log1p(e^{-|x|}) never overflows.
double bce_with_logits(const Tensor& logits, const Tensor& targets) {
  require(!logits.data.empty(), "bce_with_logits", "empty tensor");
  return mean(zip(logits, targets, "bce_with_logits", [](double x, double t) {
    return std::max(x, 0.0) - x * t + std::log1p(std::exp(-std::abs(x)));
  }));
}

Tensor bce_with_logits_backward(const Tensor& logits, const Tensor& targets, double grad_out) {
  require(!logits.data.empty(), "bce_with_logits_backward", "empty tensor");
  const double k = grad_out / static_cast<double>(logits.data.size());
  return zip(logits, targets, "bce_with_logits_backward",
             [k](double x, double t) { return (sigmoid_of(x) - t) * k; });
}

void adam_step(Tensor& param, Tensor& m, Tensor& v, const Tensor& grad, int64_t t, double lr,
               double beta1, double beta2, double eps) {
  const char* where = "adam_step";
  require_same_shape(param, grad, where);
  require_same_shape(param, m, where);
  require_same_shape(param, v, where);
  require(t >= 1, where, "step t starts at 1");
  const double correction1 = 1.0 - std::pow(beta1, static_cast<double>(t));
  const double correction2 = 1.0 - std::pow(beta2, static_cast<double>(t));
  for (size_t i = 0; i < param.data.size(); ++i) {
    const double g = grad.data[i];
    m.data[i] = beta1 * m.data[i] + (1.0 - beta1) * g;
    v.data[i] = beta2 * v.data[i] + (1.0 - beta2) * g * g;
    const double m_hat = m.data[i] / correction1;
    const double v_hat = v.data[i] / correction2;
    param.data[i] -= lr * m_hat / (std::sqrt(v_hat) + eps);
  }
}

}  // namespace aegan::reference
