#pragma once
// The engine's differentiable ops. Each runs on the GPU and, when autograd is recording and an
// input requires grad, records its backward (also on the GPU). Each family lives in one file
// of engine/ops/ with its kernels in shaders/<family>.comp.
#include <cstdint>
#include <vector>

#include "engine/tensor.hpp"
#include "shaders/activation.h"

namespace aegan::ops {

// --- pointwise (engine/ops/pointwise.cpp) ---
Tensor add(const Tensor& a, const Tensor& b);  // same shapes
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor scale(const Tensor& x, float factor);
Tensor relu(const Tensor& x);
Tensor leaky_relu(const Tensor& x, float slope);
Tensor tanh(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor exp(const Tensor& x);
// NaN for negative elements; the gradient is infinite where an element is 0.
Tensor sqrt(const Tensor& x);

// Its values are the kernels' activation codes (shaders/activation.h).
enum class Activation {
  none = AEGAN_ACTIVATION_NONE,
  relu = AEGAN_ACTIVATION_RELU,
  leaky_relu = AEGAN_ACTIVATION_LEAKY_RELU,
  tanh = AEGAN_ACTIVATION_TANH,
};
// relu, leaky_relu (with leaky_slope) or tanh of x; x itself for none.
Tensor activate(const Tensor& x, Activation activation, float leaky_slope = 0.0f);
// Activations whose derivative follows from the sign of their output (ReLU, leaky ReLU with a
// slope >= 0): ops that end with one can apply it as they store, in training too, and take its
// derivative from the output they saved.
bool gradient_from_output(Activation activation, float leaky_slope);
// dL/dx of y = activate(x) from y and dL/dy, for an activation with gradient_from_output: the
// same values as the activation's own backward, which reads x.
Tensor activation_gradient(const Tensor& y, const Tensor& grad, Activation activation,
                           float leaky_slope);

// Gated linear unit over dimension 1 (the channels): the first half of the channels times the
// sigmoid of the second half. x has rank >= 2 and an even dimension 1, which y has half of.
Tensor glu(const Tensor& x);

// Zeroes each element with probability p (a counter-based hash of seed and index, so the same
// seed drops the same elements on every device) and scales the rest by 1/(1-p); identity when
// not training.
Tensor dropout(const Tensor& x, float p, uint64_t seed, bool training);

// --- random tensors (engine/ops/random.cpp) ---
// Standard-normal values (mean 0, std 1), each a function of the seed and its index only
// (counter-based, by Box-Muller over the hash of dropout), so a seed gives the same tensor on
// every device up to the last bits of the device's sqrt, division, sin and cos. Not
// differentiated.
Tensor normal(const Shape& shape, uint64_t seed);

// --- reductions and losses (engine/ops/reduce.cpp, engine/ops/loss.cpp) ---
Tensor sum(const Tensor& x);                                      // shape [1]
Tensor mean(const Tensor& x);                                     // shape [1]
Tensor l1_loss(const Tensor& prediction, const Tensor& target);   // mean |prediction - target|
Tensor mse_loss(const Tensor& prediction, const Tensor& target);  // mean (prediction - target)^2
// mean over elements of BCE(sigmoid(logit), target), computed stably from logits.
Tensor bce_with_logits(const Tensor& logits, const Tensor& targets);
Tensor bce_with_logits(const Tensor& logits, float target);
// Sets `flag` (one element, holding a 32-bit word; start it from Tensor::zeros({1})) to a nonzero
// word when any element of `values` is NaN or infinite, and leaves it as it is otherwise: a
// training step's losses checked on the device, for optim::Adam::step(skip). Not differentiated.
void flag_non_finite(const Tensor& values, const Tensor& flag);

// --- shape (engine/ops/shape.cpp) ---
Tensor concat(const std::vector<Tensor>& parts, int dim);

// --- spatial enlargement (engine/ops/spatial.cpp) ---
// Nearest-neighbour upsampling by 2 of [N, C, H, W] to [N, C, 2H, 2W]: each element becomes a
// 2x2 block (PyTorch's Upsample(scale_factor=2, mode='nearest')).
Tensor upsample_nearest2x(const Tensor& x);
// x [N, C] or [N, C, 1, 1] repeated over a size x size plane: [N, C, size, size], as conditioning
// vectors are joined to feature maps. The backward sums each plane of the gradient.
Tensor tile_spatial(const Tensor& x, int size);

// --- colour statistics (engine/ops/colour.cpp) ---
// Per-image statistics of the pixels s_p of x [N, 3, H, W] (StackGAN-v2's colour-consistency
// term): the mean colour mu [N, 3] over the H*W pixels, and the biased covariance [N, 3, 3],
// (1/HW) sum_p (s_p - mu)(s_p - mu)^T. Two ops rather than one of two outputs, since a recorded op
// has one output: each has a one-pass backward, and the covariance, which needs the mean, computes
// it again (one more read of the image, small beside the networks that made it). Any H*W.
Tensor colour_mean(const Tensor& x);
Tensor colour_covariance(const Tensor& x);

// --- convolution (engine/ops/conv.cpp) ---
enum class Padding { zeros, reflect };
struct Conv2dOptions {
  int stride = 1;
  int padding = 0;
  Padding padding_mode = Padding::zeros;
};
// x [N,C,H,W], weight [Cout,C,k,k], bias [Cout] or undefined.
Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias,
              const Conv2dOptions& options);
struct ConvTranspose2dOptions {
  int stride = 1;
  int padding = 0;
  int output_padding = 0;
};
// x [N,Cin,H,W], weight [Cin,Cout,k,k], bias [Cout] or undefined.
Tensor conv_transpose2d(const Tensor& x, const Tensor& weight, const Tensor& bias,
                        const ConvTranspose2dOptions& options);
Tensor reflection_pad2d(const Tensor& x, int padding);
// activate(conv(x)) with the activation applied as the convolution stores its outputs, where a
// kernel can: in inference any activation, in training those with gradient_from_output (whose
// backward gates the output gradient by the output's sign); otherwise the two ops. No pass over
// the output and no tensor of the convolution's own output. Equal to the two ops within float
// rounding (bit for bit where the same kernel runs both).
Tensor conv2d_activation(const Tensor& x, const Tensor& weight, const Tensor& bias,
                         const Conv2dOptions& options, Activation activation,
                         float leaky_slope = 0.0f);
Tensor conv_transpose2d_activation(const Tensor& x, const Tensor& weight, const Tensor& bias,
                                   const ConvTranspose2dOptions& options, Activation activation,
                                   float leaky_slope = 0.0f);

// Inference (nothing needs gradients): act(BN(conv(x) + bias)) with BN in evaluation mode as one
// convolution. BN is folded into the weights (scale per output channel, kept per version of the
// parameters, so repeated calls only convolve) and the bias, and the activation is applied as
// outputs are stored: one pass over the output instead of three. Equal to the three ops within
// float rounding. Where a gradient is needed or no fused kernel runs on the device and shape, it
// runs the three ops instead.
struct BatchNormEval {
  Tensor weight, bias, running_mean, running_var;
  float eps = 1e-5f;
};
struct Epilogue {
  BatchNormEval batch_norm;
  Activation activation = Activation::none;
  float leaky_slope = 0.0f;  // leaky_relu only
};
Tensor conv2d_inference(const Tensor& x, const Tensor& weight, const Tensor& bias,
                        const Conv2dOptions& options, const Epilogue& epilogue);
Tensor conv_transpose2d_inference(const Tensor& x, const Tensor& weight, const Tensor& bias,
                                  const ConvTranspose2dOptions& options, const Epilogue& epilogue);

// --- fully connected (engine/ops/linear.cpp) ---
// x [N, in], weight [out, in] (PyTorch's Linear layout), bias [out] or undefined:
// y [N, out] = x weight^T + bias. It runs as conv2d on the [N, in, 1, 1] view, with that op's
// kernels and backward; the parameters and their gradients keep their 2-D shapes.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias);

// --- normalisation (engine/ops/batch_norm.cpp) ---
// Training: normalises with the batch statistics and updates running_mean/running_var in place
// (running = (1-momentum)*running + momentum*batch, unbiased variance). Eval: uses running stats.
Tensor batch_norm2d(const Tensor& x, const Tensor& weight, const Tensor& bias,
                    const Tensor& running_mean, const Tensor& running_var, bool training,
                    float momentum = 0.1f, float eps = 1e-5f);
// activation(batch_norm2d(...)). In training with ReLU or leaky ReLU (slope >= 0) it runs as one
// op: the normalising pass applies the activation as it stores, and the backward takes the
// activation's derivative from its output inside batch norm's own passes, so the activation
// costs no pass and no dispatch of its own either way, and the normalised values before it are
// never stored. The results are those of the two ops, bit for bit. Otherwise (evaluation, tanh,
// a negative slope) it runs the two ops.
Tensor batch_norm2d_activation(const Tensor& x, const Tensor& weight, const Tensor& bias,
                               const Tensor& running_mean, const Tensor& running_var, bool training,
                               Activation activation, float leaky_slope = 0.0f,
                               float momentum = 0.1f, float eps = 1e-5f);

// PyTorch's BatchNorm1d on x [N, C] (features over the batch): batch_norm2d on the
// [N, C, 1, 1] view, with the same statistics, running updates and BatchNormSync; y is [N, C].
Tensor batch_norm1d(const Tensor& x, const Tensor& weight, const Tensor& bias,
                    const Tensor& running_mean, const Tensor& running_var, bool training,
                    float momentum = 0.1f, float eps = 1e-5f);

// Batch norm over a batch whose parts run apart (micro-batches of one optimiser step, MPI ranks:
// sync BN). While a thread has a sync, each batch_norm2d it runs in training hands gather() its
// per-chunk partials [C, chunks, 2] and normalises with the statistics of what comes back, the
// partials of every part [C, parts * chunks, 2] (part-major within each channel, the same order
// on every part). The backward pass gathers its sums the same way for the input gradient; the
// weight and bias gradients stay this part's, for the caller to average like any other.
class BatchNormSync {
 public:
  virtual ~BatchNormSync() = default;
  virtual int parts() const = 0;
  // Collective over the parts: each calls it for the same ops in the same order.
  virtual Tensor gather(const Tensor& partials) = 0;
};
// The calling thread's sync; null (the default) normalises over each call's own input.
void set_batch_norm_sync(BatchNormSync* sync);

}  // namespace aegan::ops
