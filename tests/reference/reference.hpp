// CPU reference implementations of every op of the engine, in double precision.
//
// These are the "second implementation" the GPU op tests compare against, so they are written for
// obvious correctness: plain loops that follow the textbook definition of each op, PyTorch's
// conventions wherever PyTorch has one, and no shared code with the engine. Speed does not matter;
// tests use tiny shapes.
//
// Conventions shared by every function below:
// - Tensors are dense, row-major and, when 4-D, NCHW.
// - Shapes are checked; a mismatch throws std::invalid_argument naming the function.
// - Binary element-wise ops need equal shapes (no broadcasting).
// - A "backward" function returns the gradient of a scalar loss L with respect to the inputs, given
//   grad_y = dL/dy of the forward output.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace aegan::reference {

struct Tensor {
  std::vector<int64_t> shape;
  std::vector<double> data;

  Tensor() = default;
  explicit Tensor(std::vector<int64_t> shape, double fill = 0.0);
  Tensor(std::vector<int64_t> shape, std::vector<double> values);

  // A default-constructed tensor (empty shape) counts as "absent" (e.g. no bias), so its numel is 0
  // rather than the 1 of a true scalar; this library has no 0-d tensors.
  int64_t numel() const;
  bool empty() const { return numel() == 0; }

  // 4-D (NCHW) access, bounds-checked.
  double& at(int64_t n, int64_t c, int64_t h, int64_t w);
  double at(int64_t n, int64_t c, int64_t h, int64_t w) const;
};

// ---- construction and conversion ----------------------------------------------------------------

// Uniform in [lo, hi), from a splitmix64 stream, so values are identical on every platform and
// standard library (std::uniform_real_distribution is not).
Tensor random_tensor(std::vector<int64_t> shape, uint64_t seed, double lo = -1.0, double hi = 1.0);
// Dropout keep mask: each element is 0 with probability p_drop, else 1.
Tensor random_mask(std::vector<int64_t> shape, uint64_t seed, double p_drop);
Tensor from_float(std::vector<int64_t> shape, const std::vector<float>& values);
std::vector<float> to_float(const Tensor& x);
// Each value as a float (as the engine holds it) rounded to the nearest float16, ties to even:
// the weights that the engine's _half convolution kernels multiply by.
Tensor round_to_float16(const Tensor& x);

// ---- convolution --------------------------------------------------------------------------------

enum class Padding { zeros, reflect };

// x [N, C, H, W], weight [Cout, C, k, k] (OIHW), bias [Cout] or empty (no bias).
// Output [N, Cout, (H + 2p - k)/s + 1, (W + 2p - k)/s + 1] (floor).
// Padding::reflect is PyTorch's 'reflect' (edge pixel not repeated) and needs pad < H and pad < W.
Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, int stride, int pad,
              Padding mode = Padding::zeros);

// Gradients of a conv2d / conv_transpose2d; bias is empty when the layer has none.
struct ConvGrads {
  Tensor x, weight, bias;
};
ConvGrads conv2d_backward(const Tensor& x, const Tensor& weight, bool has_bias,
                          const Tensor& grad_y, int stride, int pad, Padding mode = Padding::zeros);

// x [N, Cin, H, W], weight [Cin, Cout, k, k] (PyTorch's ConvTranspose2d layout), bias [Cout] or
// empty. Output [N, Cout, (H-1)*s - 2p + k + output_padding, ...]; output_padding < stride.
Tensor conv_transpose2d(const Tensor& x, const Tensor& weight, const Tensor& bias, int stride,
                        int pad, int output_padding = 0);
ConvGrads conv_transpose2d_backward(const Tensor& x, const Tensor& weight, bool has_bias,
                                    const Tensor& grad_y, int stride, int pad,
                                    int output_padding = 0);

// PyTorch's ReflectionPad2d with the same pad on all four sides; pad < H and pad < W.
Tensor reflection_pad2d(const Tensor& x, int pad);
Tensor reflection_pad2d_backward(const Tensor& grad_y, std::vector<int64_t> x_shape, int pad);

// ---- batch normalisation (2-D, per channel over N, H, W)
// -----------------------------------------

// Training mode: normalise with the batch mean and the biased batch variance.
// gamma and beta are [C]; mean and var_biased are the batch statistics, [C].
struct BatchNormForward {
  Tensor y, mean, var_biased;
};
BatchNormForward batch_norm2d_train(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                    double eps = 1e-5);
// running = (1 - momentum) * running + momentum * batch, with the UNBIASED batch variance
// (var_biased * count / (count - 1)) for running_var; count_per_channel = N * H * W >= 2.
void batch_norm2d_update_running(Tensor& running_mean, Tensor& running_var,
                                 const BatchNormForward& f, int64_t count_per_channel,
                                 double momentum = 0.1);

struct BatchNormGrads {
  Tensor x, gamma, beta;
};
// Includes the gradient that flows through the batch mean and variance.
BatchNormGrads batch_norm2d_train_backward(const Tensor& x, const Tensor& gamma,
                                           const Tensor& grad_y, double eps = 1e-5);
// Eval mode: normalise with the running statistics, which are constants (no gradient).
Tensor batch_norm2d_eval(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                         const Tensor& running_mean, const Tensor& running_var, double eps = 1e-5);
BatchNormGrads batch_norm2d_eval_backward(const Tensor& x, const Tensor& gamma,
                                          const Tensor& running_mean, const Tensor& running_var,
                                          const Tensor& grad_y, double eps = 1e-5);

// ---- fully connected
// ---------------------------------------------------------------------------------

// x [N, in], weight [out, in], bias [out] or empty: y [N, out] = x W^T + b (PyTorch's Linear).
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias);
// bias is empty when the layer has none.
struct LinearGrads {
  Tensor x, weight, bias;
};
LinearGrads linear_backward(const Tensor& x, const Tensor& weight, bool has_bias,
                            const Tensor& grad_y);

// ---- batch normalisation over [N, C]
// ----------------------------------------------------------------

// PyTorch's BatchNorm1d on x [N, C]: the batch_norm2d functions above on [N, C, 1, 1], with y and
// the input gradient of x's shape. Running statistics: batch_norm2d_update_running with
// count_per_channel = N.
BatchNormForward batch_norm1d_train(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                    double eps = 1e-5);
BatchNormGrads batch_norm1d_train_backward(const Tensor& x, const Tensor& gamma,
                                           const Tensor& grad_y, double eps = 1e-5);
Tensor batch_norm1d_eval(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                         const Tensor& running_mean, const Tensor& running_var, double eps = 1e-5);
BatchNormGrads batch_norm1d_eval_backward(const Tensor& x, const Tensor& gamma,
                                          const Tensor& running_mean, const Tensor& running_var,
                                          const Tensor& grad_y, double eps = 1e-5);

// ---- point-wise ops (any shape)
// ------------------------------------------------------------------

// At x == 0 the derivatives follow PyTorch: relu' = 0, leaky_relu' = slope.
Tensor relu(const Tensor& x);
Tensor relu_backward(const Tensor& x, const Tensor& grad_y);
Tensor leaky_relu(const Tensor& x, double slope);
Tensor leaky_relu_backward(const Tensor& x, const Tensor& grad_y, double slope);
Tensor tanh(const Tensor& x);
Tensor tanh_backward(const Tensor& x, const Tensor& grad_y);
Tensor sigmoid(const Tensor& x);
Tensor sigmoid_backward(const Tensor& x, const Tensor& grad_y);
Tensor exp(const Tensor& x);
Tensor exp_backward(const Tensor& x, const Tensor& grad_y);
// x >= 0; the backward needs x > 0.
Tensor sqrt(const Tensor& x);
Tensor sqrt_backward(const Tensor& x, const Tensor& grad_y);

// Gated linear unit over dim 1 (rank >= 2, even size C): y[:, c] = x[:, c] * sigmoid(x[:, c + C/2])
// for c < C/2.
Tensor glu(const Tensor& x);
Tensor glu_backward(const Tensor& x, const Tensor& grad_y);

// y = x * mask / (1 - p) with an explicit keep mask (1 keep, 0 drop); p == 1 gives zeros, as in
// PyTorch.
Tensor dropout(const Tensor& x, const Tensor& mask, double p);
Tensor dropout_backward(const Tensor& mask, const Tensor& grad_y, double p);

Tensor add(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor scale(const Tensor& x, double s);
struct MulGrads {
  Tensor a, b;
};
// grad_a = grad_y * b, grad_b = grad_y * a. (add's gradients are grad_y for both inputs, scale's
// is s * grad_y, so they need no function.)
MulGrads mul_backward(const Tensor& a, const Tensor& b, const Tensor& grad_y);

// ---- reductions and losses
// -----------------------------------------------------------------------

double sum(const Tensor& x);
double mean(const Tensor& x);
// sum(a * b): the scalar L = <y, R> that gradient tests differentiate.
double dot(const Tensor& a, const Tensor& b);

// mean |a - b|; backward is the gradient w.r.t. a, sign(a - b) / numel * grad_out, sign(0) = 0.
double l1_loss(const Tensor& a, const Tensor& b);
Tensor l1_loss_backward(const Tensor& a, const Tensor& b, double grad_out);
// mean (a - b)^2; backward is the gradient w.r.t. a, 2 (a - b) / numel * grad_out.
double mse_loss(const Tensor& a, const Tensor& b);
Tensor mse_loss_backward(const Tensor& a, const Tensor& b, double grad_out);

// Mean over elements of max(x, 0) - x * t + log1p(exp(-|x|)): binary cross-entropy of
// sigmoid(x) against t, finite for any logit. Backward w.r.t. the logits: (sigmoid(x) - t) / numel.
double bce_with_logits(const Tensor& logits, const Tensor& targets);
Tensor bce_with_logits_backward(const Tensor& logits, const Tensor& targets, double grad_out);

// ---- shape ops
// ------------------------------------------------------------------------------------

// Parts have equal rank and equal sizes except along dim (0 <= dim < rank).
Tensor concat(const std::vector<Tensor>& parts, int dim);
std::vector<Tensor> concat_backward(const Tensor& grad_y,
                                    const std::vector<std::vector<int64_t>>& part_shapes, int dim);

// Nearest-neighbour upsampling of x [N, C, H, W] by 2: y(n, c, h, w) = x(n, c, h / 2, w / 2).
Tensor upsample_nearest2x(const Tensor& x);
Tensor upsample_nearest2x_backward(const Tensor& grad_y);
// x [N, C] or [N, C, 1, 1] to [N, C, size, size] with y(n, c, h, w) = x(n, c); the backward's
// gradient has x_shape.
Tensor tile_spatial(const Tensor& x, int64_t size);
Tensor tile_spatial_backward(const Tensor& grad_y, const std::vector<int64_t>& x_shape);

// ---- random tensors
// -------------------------------------------------------------------------------

// The engine's ops::normal formula in double: element i of a pair (2k, 2k + 1) is
// sqrt(-2 ln u) cos(t) (even i) or sin(t) (odd i), with u = ((b(2k) >> 8) + 1) / 2^24 and
// t = pi (2 (b(2k + 1) >> 8) / 2^24 - 1), b(j) the 32-bit hash of (seed, j).
Tensor normal_box_muller(std::vector<int64_t> shape, uint64_t seed);

// ---- colour statistics
// ----------------------------------------------------------------------------

// Per image of x [N, 3, H, W], over its H*W pixels s_p: the mean colour mu [N, 3] and the biased
// covariance [N, 3, 3] = (1/HW) sum_p (s_p - mu)(s_p - mu)^T.
Tensor colour_mean(const Tensor& x);
Tensor colour_mean_backward(const std::vector<int64_t>& x_shape, const Tensor& grad_y);
Tensor colour_covariance(const Tensor& x);
Tensor colour_covariance_backward(const Tensor& x, const Tensor& grad_y);

// ---- optimiser
// ------------------------------------------------------------------------------------

// One step of torch.optim.Adam (no weight decay, no amsgrad), updating param, m and v in place:
//   m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2,
//   param -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps),  t = 1, 2, ...
void adam_step(Tensor& param, Tensor& m, Tensor& v, const Tensor& grad, int64_t t, double lr,
               double beta1, double beta2, double eps);

// ---- weight average
// -------------------------------------------------------------------------------

// One step of an exponential moving average of weights, in place:
//   average = decay * average + (1 - decay) * parameter.
void weight_average_step(Tensor& average, const Tensor& parameter, double decay);

// ---- numeric helpers for tests
// -------------------------------------------------------------------

// max |a - b| over elements; shapes (element counts) must agree.
double max_abs_diff(const Tensor& a, const Tensor& b);
// Norm-wise relative error in the infinity norm: max|got - want| / max(max|want|, 1e-12).
double relative_error(const std::vector<float>& got, const Tensor& want);
double relative_error(const Tensor& got, const Tensor& want);
// Central finite differences (f(x + h e_i) - f(x - h e_i)) / 2h for every element i of x.
Tensor numeric_gradient(const std::function<double(const Tensor&)>& f, const Tensor& x,
                        double h = 1e-6);

}  // namespace aegan::reference
