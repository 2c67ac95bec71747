#include "nets/layers.hpp"

#include "engine/error.hpp"
#include "engine/init.hpp"

namespace aegan::nn {
namespace {

constexpr float kWeightStd = 0.02f;
constexpr float kLeakySlope = 0.2f;
constexpr float kDropout = 0.5f;

}  // namespace

Convolution::Convolution(const ConvSpec& spec)
    : spec_(spec),
      weight_(add_parameter("weight", spec.transposed
                                          ? Shape{spec.cin, spec.cout, spec.k, spec.k}
                                          : Shape{spec.cout, spec.cin, spec.k, spec.k})) {
  if (spec.bias) bias_ = add_parameter("bias", {spec.cout});
}

ops::Conv2dOptions Convolution::options() const {
  return {spec_.stride, spec_.pad, spec_.reflect ? ops::Padding::reflect : ops::Padding::zeros};
}

ops::ConvTranspose2dOptions Convolution::transposed_options() const {
  return {spec_.stride, spec_.pad, spec_.output_pad};
}

Tensor Convolution::forward(const Tensor& x) {
  if (spec_.transposed) return ops::conv_transpose2d(x, weight_, bias_, transposed_options());
  return ops::conv2d(x, weight_, bias_, options());
}

Tensor Convolution::forward(const Tensor& x, ops::Activation activation, float leaky_slope) {
  if (spec_.transposed) {
    return ops::conv_transpose2d_activation(x, weight_, bias_, transposed_options(), activation,
                                            leaky_slope);
  }
  return ops::conv2d_activation(x, weight_, bias_, options(), activation, leaky_slope);
}

Tensor Convolution::forward_fused(const Tensor& x, const ops::Epilogue& epilogue) {
  if (spec_.transposed) {
    return ops::conv_transpose2d_inference(x, weight_, bias_, transposed_options(), epilogue);
  }
  return ops::conv2d_inference(x, weight_, bias_, options(), epilogue);
}

void Convolution::initialise(Rng& rng) {
  normal_(weight_, 0.0f, kWeightStd, rng);
  if (bias_.defined()) fill_(bias_, 0.0f);
}

Linear::Linear(int in, int out, bool bias) : weight_(add_parameter("weight", {out, in})) {
  if (bias) bias_ = add_parameter("bias", {out});
}

Tensor Linear::forward(const Tensor& x) {
  return ops::linear(x, weight_, bias_);
}

void Linear::initialise(Rng& rng) {
  normal_(weight_, 0.0f, kWeightStd, rng);
  if (bias_.defined()) fill_(bias_, 0.0f);
}

BatchNorm2d::BatchNorm2d(int channels)
    : weight_(add_parameter("weight", {channels})),
      bias_(add_parameter("bias", {channels})),
      running_mean_(add_buffer("running_mean", Tensor::zeros({channels}))),
      running_var_(add_buffer("running_var", Tensor::full({channels}, 1.0f))) {}

Tensor BatchNorm2d::forward(const Tensor& x) {
  return ops::batch_norm2d(x, weight_, bias_, running_mean_, running_var_, training());
}

Tensor BatchNorm2d::forward(const Tensor& x, ops::Activation activation, float leaky_slope) {
  return ops::batch_norm2d_activation(x, weight_, bias_, running_mean_, running_var_, training(),
                                      activation, leaky_slope);
}

ops::BatchNormEval BatchNorm2d::evaluation() const {
  return {weight_, bias_, running_mean_, running_var_};
}

void BatchNorm2d::initialise(Rng& rng) {
  normal_(weight_, 1.0f, kWeightStd, rng);
  fill_(bias_, 0.0f);
  fill_(running_mean_, 0.0f);
  fill_(running_var_, 1.0f);
}

ResBlock::ResBlock(int channels) {
  const ConvSpec same{
      .cin = channels, .cout = channels, .k = 3, .stride = 1, .pad = 1, .reflect = true};
  conv1_ = &add_child("conv1", std::make_unique<Convolution>(same));
  bn1_ = &add_child("bn1", std::make_unique<BatchNorm2d>(channels));
  conv2_ = &add_child("conv2", std::make_unique<Convolution>(same));
  bn2_ = &add_child("bn2", std::make_unique<BatchNorm2d>(channels));
}

Tensor ResBlock::forward(const Tensor& x) {
  if (!training()) {
    const Tensor h = conv1_->forward_fused(x, {bn1_->evaluation(), Activation::relu});
    return ops::add(x, conv2_->forward_fused(h, {bn2_->evaluation()}));
  }
  Tensor h = bn1_->forward(conv1_->forward(x), Activation::relu, 0.0f);
  return ops::add(x, bn2_->forward(conv2_->forward(h)));
}

Stage::Stage(const StageSpec& spec) : spec_(spec) {
  conv_ = &add_child("conv", std::make_unique<Convolution>(ConvSpec{.transposed = spec.transposed,
                                                                    .cin = spec.cin,
                                                                    .cout = spec.cout,
                                                                    .k = spec.k,
                                                                    .stride = spec.stride,
                                                                    .pad = spec.pad,
                                                                    .output_pad = spec.output_pad,
                                                                    .bias = spec.bias}));
  if (spec.batch_norm) bn_ = &add_child("bn", std::make_unique<BatchNorm2d>(spec.cout));
  if (spec.res_block) res_ = &add_child("res", std::make_unique<ResBlock>(spec.cout));
  if (spec.dropout && spec.after == Activation::tanh) {
    throw Error("a stage with dropout cannot end with tanh (dropout would not commute with it)");
  }
}

Tensor Stage::forward(const Tensor& x) {
  Tensor y;
  if (bn_ && !training()) {  // dropout is the identity in evaluation
    y = conv_->forward_fused(x, {bn_->evaluation(), spec_.after, kLeakySlope});
  } else {
    y = bn_ ? bn_->forward(conv_->forward(x), spec_.after, kLeakySlope)
            : conv_->forward(x, spec_.after, kLeakySlope);
    if (spec_.dropout && dropout_enabled_) y = ops::dropout(y, kDropout, dropout_seed_, training());
  }
  return res_ ? res_->forward(y) : y;
}

}  // namespace aegan::nn
