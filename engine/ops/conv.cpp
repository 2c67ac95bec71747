#include <algorithm>
#include <string>

#include "engine/autograd.hpp"
#include "engine/ops.hpp"
#include "engine/ops/conv_kernels.hpp"
#include "engine/ops/launch.hpp"
#include "engine/ops/reduce.hpp"
#include "shaders.hpp"

namespace aegan::ops {
namespace {

struct PadPush {
  VkDeviceAddress x;
  VkDeviceAddress y;
  uint32_t planes, h, w, pad;
};

std::string describe(const char* op, const std::string& problem) {
  return std::string(op) + ": " + problem;
}

void check_nchw(const Tensor& t, const char* op, const char* what) {
  if (!t.defined() || t.rank() != 4 || t.numel() == 0) {
    throw Error(describe(op, std::string(what) + " must be a non-empty [N,C,H,W] tensor, got " +
                                 (t.defined() ? to_string(t.shape()) : "none")));
  }
}

// Shared checks of conv2d and conv_transpose2d; `in_dim` is the weight dimension that must equal
// the input's channels and `out_dim` the one giving output channels.
void check_conv(const char* op, const Tensor& x, const Tensor& weight, const Tensor& bias,
                size_t in_dim, size_t out_dim, int stride, int padding) {
  check_nchw(x, op, "input");
  check_nchw(weight, op, "weight");
  if (weight.dim(2) != weight.dim(3)) {
    throw Error(describe(op, "kernel must be square, weight " + to_string(weight.shape())));
  }
  if (weight.dim(in_dim) != x.dim(1)) {
    throw Error(describe(op, "input " + to_string(x.shape()) + " has " + std::to_string(x.dim(1)) +
                                 " channels, weight " + to_string(weight.shape()) + " expects " +
                                 std::to_string(weight.dim(in_dim))));
  }
  if (bias.defined() && bias.shape() != Shape{weight.dim(out_dim)}) {
    throw Error(describe(op, "bias " + to_string(bias.shape()) + " does not match weight " +
                                 to_string(weight.shape())));
  }
  if (stride < 1 || padding < 0) {
    throw Error(describe(op, "needs stride >= 1 and padding >= 0, got stride " +
                                 std::to_string(stride) + ", padding " + std::to_string(padding)));
  }
}

Tensor pad_kernel(const vk::ShaderCode& shader, const Tensor& x, const Shape& out_shape, int64_t h,
                  int64_t w, int pad) {
  Tensor y = Tensor::empty(out_shape);
  if (y.numel() > int64_t{UINT32_MAX} || x.numel() > int64_t{UINT32_MAX}) {
    throw Error("reflection_pad2d: tensor too large");
  }
  PadPush push{x.address(),
               y.address(),
               static_cast<uint32_t>(x.dim(0) * x.dim(1)),
               static_cast<uint32_t>(h),
               static_cast<uint32_t>(w),
               static_cast<uint32_t>(pad)};
  // Four outputs per invocation (one vector store) where they come in whole vec4s.
  const bool quads = whole_vec4s(static_cast<uint64_t>(y.numel()), {&y});
  const uint64_t invocations = static_cast<uint64_t>(y.numel()) / (quads ? 4 : 1);
  const uint32_t size = Runtime::get().workgroup_size();
  launch_reading(shader, {size, quads ? 1u : 0u}, grid_1d(invocations, size), push,
                 {{&PadPush::x, {&x}}}, {x.reads(), y.writes()});
  return y;
}

// Each input pixel's own padded position first, then the border pixels again with the gradients
// of their mirrored copies (see shaders/pad.comp).
Tensor reflection_pad2d_backward(const Tensor& grad, const Shape& shape, int pad) {
  Tensor gx = pad_kernel(shaders::pad_reflect_backward, grad, shape, shape[2], shape[3], pad);
  const int64_t h = shape[2], w = shape[3], band = pad + 1;
  const int64_t top = std::min(band, h), bottom = std::max(top, h - std::min(band, h));
  const int64_t left = std::min(band, w), right = std::max(left, w - std::min(band, w));
  const int64_t per_plane = (top + h - bottom) * w + (bottom - top) * (left + w - right);
  PadPush push{grad.address(),
               gx.address(),
               static_cast<uint32_t>(shape[0] * shape[1]),
               static_cast<uint32_t>(h),
               static_cast<uint32_t>(w),
               static_cast<uint32_t>(pad)};
  launch_1d_reading(shaders::pad_reflect_backward_border,
                    static_cast<uint64_t>(shape[0] * shape[1] * per_plane), push,
                    {{&PadPush::x, {&grad}}}, {grad.reads(), gx.writes()});
  return gx;
}

// Gradients of a convolution from `grad` (dL/dy): the input's by the data kernel of the opposite
// direction, the weight's by the weight-gradient kernel, the bias's by a per-channel sum.
struct ConvBackward {
  bool transposed;
  Tensor x, weight;  // each saved only when the other input's gradient needs it
  bool need_x, need_weight, need_bias;
  int64_t in_h, in_w;
  int k, stride, padding;
  // With an activation fused into the convolution: its output, which gates the gradient.
  Tensor activated;
  Activation activation = Activation::none;
  float leaky_slope = 0.0f;

  std::vector<Tensor> operator()(const Tensor& output_grad) const {
    const Tensor grad = activated.defined()
                            ? activation_gradient(activated, output_grad, activation, leaky_slope)
                            : output_grad;
    Tensor gx, gw, gb;
    if (need_x) {
      conv::DataProblem problem{!transposed, grad, weight, Tensor(), stride, padding, in_h, in_w};
      problem.gradient = true;
      gx = conv::run(problem);
    }
    if (need_weight) {
      gw = transposed ? conv::run(conv::WeightProblem{x, grad, k, stride, padding})
                      : conv::run(conv::WeightProblem{grad, x, k, stride, padding});
    }
    if (need_bias) gb = sum_per_channel(grad);
    return {gx, gw, gb};
  }
};

// Records the convolution `problem` that gave y; with an activation fused (problem.activation),
// y is the activation's output.
void record_conv(Tensor& y, const char* name, const conv::DataProblem& problem) {
  const Tensor &x = problem.x, &weight = problem.weight, &bias = problem.bias;
  if (!needs_grad({&x, &weight, &bias})) return;
  const bool need_x = x.requires_grad();
  const bool need_weight = weight.requires_grad();
  const bool activated = problem.activation != Activation::none;
  ConvBackward backward{problem.transposed,
                        need_weight ? x.detach() : Tensor(),
                        need_x ? weight.detach() : Tensor(),
                        need_x,
                        need_weight,
                        bias.requires_grad(),
                        x.dim(2),
                        x.dim(3),
                        static_cast<int>(weight.dim(2)),
                        problem.stride,
                        problem.pad,
                        activated ? y.detach() : Tensor(),
                        problem.activation,
                        problem.slope};
  record(y, name, {x, weight, bias}, std::move(backward));
}

}  // namespace

Tensor reflection_pad2d(const Tensor& x, int padding) {
  check_nchw(x, "reflection_pad2d", "input");
  if (padding < 0 || padding >= x.dim(2) || padding >= x.dim(3)) {
    throw Error("reflection_pad2d: padding " + std::to_string(padding) +
                " must be >= 0 and smaller than the input's height and width, input " +
                to_string(x.shape()));
  }
  if (padding == 0) return x;
  const int64_t h = x.dim(2), w = x.dim(3);
  Tensor y = pad_kernel(shaders::pad_reflect, x,
                        {x.dim(0), x.dim(1), h + 2 * padding, w + 2 * padding}, h, w, padding);
  if (needs_grad({&x})) {
    record(y, "reflection_pad2d", {x}, [shape = x.shape(), padding](const Tensor& grad) {
      return std::vector<Tensor>{reflection_pad2d_backward(grad, shape, padding)};
    });
  }
  return y;
}

namespace {

// conv2d's data problem after its checks: the input reflection-padded where asked.
conv::DataProblem conv2d_problem(const Tensor& x, const Tensor& weight, const Tensor& bias,
                                 const Conv2dOptions& options) {
  const int stride = options.stride, padding = options.padding;
  check_conv("conv2d", x, weight, bias, 1, 0, stride, padding);
  if (options.padding_mode == Padding::reflect && padding > 0) {
    return conv2d_problem(reflection_pad2d(x, padding), weight, bias, {stride, 0, Padding::zeros});
  }
  const int64_t k = weight.dim(2);
  if (x.dim(2) + 2 * padding < k || x.dim(3) + 2 * padding < k) {
    throw Error("conv2d: kernel " + std::to_string(k) + " larger than the padded input " +
                to_string(x.shape()) + " with padding " + std::to_string(padding));
  }
  const int64_t out_h = (x.dim(2) + 2 * padding - k) / stride + 1;
  const int64_t out_w = (x.dim(3) + 2 * padding - k) / stride + 1;
  return conv::DataProblem{false, x, weight, bias, stride, padding, out_h, out_w};
}

conv::DataProblem conv_transpose2d_problem(const Tensor& x, const Tensor& weight,
                                           const Tensor& bias,
                                           const ConvTranspose2dOptions& options) {
  const int stride = options.stride, padding = options.padding;
  check_conv("conv_transpose2d", x, weight, bias, 0, 1, stride, padding);
  if (options.output_padding < 0 || options.output_padding >= stride) {
    throw Error("conv_transpose2d: output_padding " + std::to_string(options.output_padding) +
                " must be >= 0 and smaller than the stride " + std::to_string(stride));
  }
  const int64_t k = weight.dim(2);
  const int64_t out_h = (x.dim(2) - 1) * stride - 2 * padding + k + options.output_padding;
  const int64_t out_w = (x.dim(3) - 1) * stride - 2 * padding + k + options.output_padding;
  if (out_h < 1 || out_w < 1) {
    throw Error("conv_transpose2d: padding " + std::to_string(padding) +
                " leaves no output for input " + to_string(x.shape()));
  }
  return conv::DataProblem{true, x, weight, bias, stride, padding, out_h, out_w};
}

Tensor run_recorded(const conv::DataProblem& problem, const char* name) {
  Tensor y = conv::run(problem);
  record_conv(y, name, problem);
  return y;
}

Tensor run_activated(conv::DataProblem problem, Activation activation, float leaky_slope,
                     const char* name, const char* fused_name) {
  const bool recording = needs_grad({&problem.x, &problem.weight, &problem.bias});
  if (activation != Activation::none &&
      (!recording || gradient_from_output(activation, leaky_slope))) {
    problem.activation = activation;
    problem.slope = leaky_slope;
    if (Tensor y = conv::run_fused(problem); y.defined()) {
      record_conv(y, fused_name, problem);
      return y;
    }
    problem.activation = Activation::none;
  }
  return activate(run_recorded(problem, name), activation, leaky_slope);
}

Tensor run_inference(conv::DataProblem problem, const Epilogue& epilogue, const char* name) {
  const BatchNormEval& bn = epilogue.batch_norm;
  const Shape channels{problem.out_channels()};
  for (const Tensor* t : {&bn.weight, &bn.bias, &bn.running_mean, &bn.running_var}) {
    if (!t->defined() || t->shape() != channels) {
      throw Error(describe(name, "batch norm parameters must have shape " + to_string(channels)));
    }
  }
  if (!needs_grad({&problem.x, &problem.weight, &problem.bias, &bn.weight, &bn.bias})) {
    conv::DataProblem fused = problem;
    fused.folded = conv::fold_batch_norm(bn, problem.bias);
    fused.bias = Tensor();
    fused.activation = epilogue.activation;
    fused.slope = epilogue.leaky_slope;
    if (Tensor y = conv::run_fused(fused); y.defined()) return y;
  }
  const Tensor y = batch_norm2d(run_recorded(problem, name), bn.weight, bn.bias, bn.running_mean,
                                bn.running_var, false, 0.1f, bn.eps);
  return activate(y, epilogue.activation, epilogue.leaky_slope);
}

}  // namespace

Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias,
              const Conv2dOptions& options) {
  return run_recorded(conv2d_problem(x, weight, bias, options), "conv2d");
}

Tensor conv_transpose2d(const Tensor& x, const Tensor& weight, const Tensor& bias,
                        const ConvTranspose2dOptions& options) {
  return run_recorded(conv_transpose2d_problem(x, weight, bias, options), "conv_transpose2d");
}

Tensor conv2d_activation(const Tensor& x, const Tensor& weight, const Tensor& bias,
                         const Conv2dOptions& options, Activation activation, float leaky_slope) {
  return run_activated(conv2d_problem(x, weight, bias, options), activation, leaky_slope, "conv2d",
                       "conv2d_activation");
}

Tensor conv_transpose2d_activation(const Tensor& x, const Tensor& weight, const Tensor& bias,
                                   const ConvTranspose2dOptions& options, Activation activation,
                                   float leaky_slope) {
  return run_activated(conv_transpose2d_problem(x, weight, bias, options), activation, leaky_slope,
                       "conv_transpose2d", "conv_transpose2d_activation");
}

Tensor conv2d_inference(const Tensor& x, const Tensor& weight, const Tensor& bias,
                        const Conv2dOptions& options, const Epilogue& epilogue) {
  return run_inference(conv2d_problem(x, weight, bias, options), epilogue, "conv2d_inference");
}

Tensor conv_transpose2d_inference(const Tensor& x, const Tensor& weight, const Tensor& bias,
                                  const ConvTranspose2dOptions& options, const Epilogue& epilogue) {
  return run_inference(conv_transpose2d_problem(x, weight, bias, options), epilogue,
                       "conv_transpose2d_inference");
}

}  // namespace aegan::ops
