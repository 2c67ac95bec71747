#pragma once
// Kernel selection for the convolution family. Each pass has a table of candidate kernels; the
// op code (engine/ops/conv.cpp) states a problem and calls run(), which picks a kernel for the
// device and shape. Faster kernels are added to these tables without touching autograd or nets.
#include <string>
#include <vector>

#include "engine/ops.hpp"
#include "engine/tensor.hpp"
#include "engine/vk/context.hpp"

namespace aegan::ops::conv {

// y[n, o, oh, ow] = sum over i, kh, kw of x[n, i, ih, iw] * weight (+ bias[o]), with zero padding:
// - direct:     weight [out, in, k, k], ih = oh * stride - pad + kh (conv2d forward, and the
//               input gradient of conv_transpose2d);
// - transposed: weight [in, out, k, k], oh = ih * stride - pad + kh (conv_transpose2d forward, and
//               the input gradient of conv2d).
struct DataProblem {
  bool transposed = false;
  Tensor x, weight, bias;  // bias may be undefined
  int stride = 1, pad = 0;
  int64_t out_h = 0, out_w = 0;
  // Inference epilogue (run_fused() only): `folded` = [scale..., shift...] per output channel
  // (fold_batch_norm()) scales the weights and replaces the bias; `activation` is applied to
  // every output.
  Tensor folded;
  Activation activation = Activation::none;
  float slope = 0.0f;
  // An input gradient (conv2d's or conv_transpose2d's backward): kernels that round their inputs
  // to float16 (coop) leave it alone, since small gradients would flush to zero.
  bool gradient = false;

  bool fused() const { return folded.defined() || activation != Activation::none; }
  int64_t in_channels() const { return x.dim(1); }
  int64_t out_channels() const { return weight.dim(transposed ? 1 : 0); }
  int64_t k() const { return weight.dim(2); }
};

// dw[a, b, kh, kw] = sum over n, i, j of g[n, a, i, j] * s[n, b, i * stride - pad + kh, ...]
// (zero outside s): the weight gradient of conv2d (g = grad_y, s = x) and of conv_transpose2d
// (g = x, s = grad_y). Result [g channels, s channels, k, k].
struct WeightProblem {
  Tensor g, s;
  int k = 1, stride = 1, pad = 0;
};

template <class Problem>
struct Kernel {
  const char* name;
  // Whether the kernel can run on this device at all (features, limits).
  bool (*supports)(const vk::DeviceInfo&, const Problem&);
  // Whether it is the automatic choice for this shape (production tables are tried in order);
  // experiments have no rule.
  bool (*suits)(const vk::DeviceInfo&, const Problem&) = nullptr;
  Tensor (*run)(const Problem&);
  // Whether the autotuner times it (conv_tuning.hpp): not the direct fallback, slower than the
  // blocked kernel on every measured shape and seconds long on large ones.
  bool tuned = true;
  // Whether it runs DataProblem's inference epilogue.
  bool fuses = false;
};

// The production tables: the kernels that the built-in rules and the autotuner choose among.
const std::vector<Kernel<DataProblem>>& data_kernels();
const std::vector<Kernel<WeightProblem>>& weight_kernels();
// The experiments (engine/ops/experimental/conv_experiments.hpp): data kernels that no rule
// picks and that have not run on a GPU, run only where their name is forced (force_variant(),
// or `bench ops --variant`).
const std::vector<Kernel<DataProblem>>& experimental_data_kernels();

// Runs the chosen kernel: the forced one (below, an experiment too) where it supports the device,
// else the one the autotuner measured fastest for this shape (conv_tuning.hpp), else the first
// that supports and suits the problem. Not recorded by autograd.
Tensor run(const DataProblem& problem);
Tensor run(const WeightProblem& problem);
// As run(), among the kernels that fuse (Kernel::fuses); undefined where none can run.
Tensor run_fused(const DataProblem& problem);

// The autotuner's measurement (conv_tuning.hpp), public for tests with tables of their own:
// times every tuned kernel of `table` that can run `problem` (the best of two runs after a
// warm-up) and returns the fastest one's name. A kernel whose output differs from the automatic
// choice's by more than float32 summation order explains (a miscompiled or misbehaving kernel on
// some driver), or that throws (a pipeline the driver cannot build), is left out with a line on
// stderr. "" where no kernel can run the problem.
template <class Problem>
std::string measure_fastest(const std::vector<Kernel<Problem>>& table, const Problem& problem);

// The kernel the built-in rules pick for `problem` on `device`, without a forced name or a
// tuning file ("" where none can run it): for tests of those rules on other kinds of device.
std::string automatic_choice(const vk::DeviceInfo& device, const DataProblem& problem);
std::string automatic_choice(const vk::DeviceInfo& device, const WeightProblem& problem);

// BN in evaluation folded into the convolution before it (DataProblem::folded): [2, channels],
// scale = gamma / sqrt(var + eps), shift = (conv_bias - mean) * scale + beta (conv_bias may be
// undefined). Kept per version of its inputs.
Tensor fold_batch_norm(const BatchNormEval& batch_norm, const Tensor& conv_bias);

// The _half experiments (gemm_half, gemm_split_half, rows_half, tiled_half) store the packed
// weights as float16, rounded to nearest even: half the bytes per load, every product and sum
// still in float32. They need 16-bit storage buffers (storageBuffer16BitAccess) and are allowed
// unless switched off here; the switch starts as Settings::fp16 (`--no-fp16`, AEGAN_VK_FP16=0:
// drivers that advertise 16-bit storage and mishandle it exist).
void allow_half_weights(bool allowed);
// Whether the _half kernels can run on `device` under the current switch.
bool half_weights(const vk::DeviceInfo& device);
// The experiments coop (VK_NV_cooperative_matrix, tensor cores) and its portable twin
// coop_emulated round the input values to float16 as well, summing the products in float32, and
// so run forward passes only (DataProblem::gradient). The switch above rules them out too.

// Forces the kernel of this name, production or experiment, in every table that has one
// ("" = automatic). Starts as Settings::conv_variant (AEGAN_VK_CONV_VARIANT); tests force each
// name of variant_names() in turn.
void force_variant(const std::string& name);
std::vector<std::string> variant_names();

}  // namespace aegan::ops::conv
