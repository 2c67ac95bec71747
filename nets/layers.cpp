#include "nets/layers.hpp"

#include "engine/init.hpp"

namespace aegan::nn {
namespace {

constexpr float kWeightStd = 0.02f;
constexpr float kLeakySlope = 0.2f;
constexpr float kDropout = 0.5f;

}  // namespace

Conv2d::Conv2d(int cin, int cout, int k, const ops::Conv2dOptions& options, bool bias)
    : options_(options), weight_(add_parameter("weight", {cout, cin, k, k})) {
  if (bias) bias_ = add_parameter("bias", {cout});
}

Tensor Conv2d::forward(const Tensor& x) {
  return ops::conv2d(x, weight_, bias_, options_);
}

void Conv2d::initialise(Rng& rng) {
  normal_(weight_, 0.0f, kWeightStd, rng);
  if (bias_.defined()) fill_(bias_, 0.0f);
}

ConvTranspose2d::ConvTranspose2d(int cin, int cout, int k,
                                 const ops::ConvTranspose2dOptions& options, bool bias)
    : options_(options), weight_(add_parameter("weight", {cin, cout, k, k})) {
  if (bias) bias_ = add_parameter("bias", {cout});
}

Tensor ConvTranspose2d::forward(const Tensor& x) {
  return ops::conv_transpose2d(x, weight_, bias_, options_);
}

void ConvTranspose2d::initialise(Rng& rng) {
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

void BatchNorm2d::initialise(Rng& rng) {
  normal_(weight_, 1.0f, kWeightStd, rng);
  fill_(bias_, 0.0f);
  fill_(running_mean_, 0.0f);
  fill_(running_var_, 1.0f);
}

ResBlock::ResBlock(int channels) {
  const ops::Conv2dOptions same{1, 1, ops::Padding::reflect};
  conv1_ = &add_child("conv1", std::make_unique<Conv2d>(channels, channels, 3, same, false));
  bn1_ = &add_child("bn1", std::make_unique<BatchNorm2d>(channels));
  conv2_ = &add_child("conv2", std::make_unique<Conv2d>(channels, channels, 3, same, false));
  bn2_ = &add_child("bn2", std::make_unique<BatchNorm2d>(channels));
}

Tensor ResBlock::forward(const Tensor& x) {
  Tensor h = ops::relu(bn1_->forward(conv1_->forward(x)));
  return ops::add(x, bn2_->forward(conv2_->forward(h)));
}

Tensor activate(const Tensor& x, Activation activation) {
  switch (activation) {
    case Activation::none:
      return x;
    case Activation::relu:
      return ops::relu(x);
    case Activation::leaky_relu:
      return ops::leaky_relu(x, kLeakySlope);
    case Activation::tanh:
      return ops::tanh(x);
  }
  return x;
}

Stage::Stage(const StageSpec& spec) : spec_(spec) {
  if (spec.transposed) {
    conv_ =
        &add_child("conv", std::make_unique<ConvTranspose2d>(
                               spec.cin, spec.cout, spec.k,
                               ops::ConvTranspose2dOptions{spec.stride, spec.pad, 0}, spec.bias));
  } else {
    conv_ = &add_child(
        "conv", std::make_unique<Conv2d>(
                    spec.cin, spec.cout, spec.k,
                    ops::Conv2dOptions{spec.stride, spec.pad, ops::Padding::zeros}, spec.bias));
  }
  if (spec.batch_norm) bn_ = &add_child("bn", std::make_unique<BatchNorm2d>(spec.cout));
  if (spec.res_block) res_ = &add_child("res", std::make_unique<ResBlock>(spec.cout));
}

Tensor Stage::forward(const Tensor& x) {
  Tensor y = conv_->forward(activate(x, spec_.before));
  if (bn_) y = bn_->forward(y);
  if (spec_.dropout) y = ops::dropout(y, kDropout, dropout_seed_, training());
  y = activate(y, spec_.after);
  return res_ ? res_->forward(y) : y;
}

}  // namespace aegan::nn
