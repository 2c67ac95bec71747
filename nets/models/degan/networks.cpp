#include "nets/models/degan/networks.hpp"

#include "engine/error.hpp"
#include "engine/ops.hpp"
#include "nets/blocks.hpp"
#include "nets/models/presets.hpp"

namespace aegan::degan {
namespace {

using nn::Activation;

constexpr float kDropout = 0.5f;

const std::vector<Preset>& presets() {
  static const std::vector<Preset> all = {{"celeba64", 64, 128, 32, 64, 64},
                                          {"cifar32", 32, 128, 32, 64, 64},
                                          {"degan-tiny32", 32, 32, 8, 16, 16},
                                          {"degan-tiny64", 64, 32, 8, 16, 16}};
  return all;
}

int levels(const Preset& p) {
  return nn::log2_of(p.r / 4);
}

// Conv(cin -> cout, 5, 2, 2), or ConvT(cin -> cout, 5, 2, 2) with output_padding 1: both change
// an even size by a factor of 2.
nn::StageSpec five(bool transposed, int cin, int cout) {
  return {.transposed = transposed,
          .cin = cin,
          .cout = cout,
          .k = 5,
          .stride = 2,
          .pad = 2,
          .output_pad = transposed ? 1 : 0};
}

nn::StageSpec with_bn(nn::StageSpec spec, Activation after) {
  spec.batch_norm = true;
  spec.after = after;
  return spec;
}

nn::StageSpec with_bias(nn::StageSpec spec, Activation after) {
  spec.bias = true;
  spec.after = after;
  return spec;
}

int flat_features(const Preset& p, int width) {
  return 4 * width * (p.r / 8) * (p.r / 8);
}

Tensor flatten(const Tensor& x) {
  return x.reshape({x.dim(0), x.numel() / x.dim(0)});
}

// G's "fc": Linear(nz -> 16 c0) without bias, the [c0, 4, 4] map, BN per channel and ReLU.
class Projection : public nn::Module {
 public:
  Projection(int nz, int channels) : channels_(channels) {
    linear_ = &add_child("linear", std::make_unique<nn::Linear>(nz, 16 * channels, false));
    bn_ = &add_child("bn", std::make_unique<nn::BatchNorm2d>(channels));
  }
  Tensor forward(const Tensor& z) override {
    const Tensor y = linear_->forward(flatten(z));
    return bn_->forward(y.reshape({z.dim(0), channels_, 4, 4}), Activation::relu, 0.0f);
  }

 private:
  int channels_;
  nn::Linear* linear_;
  nn::BatchNorm2d* bn_;
};

}  // namespace

Preset preset_by_name(const std::string& name) {
  return find_preset(presets(), name, "DE-GAN");
}

std::vector<std::string> preset_names() {
  return preset_names_of(presets());
}

void check_preset(const Preset& p) {
  const std::string sizes = "DE-GAN size r=" + std::to_string(p.r) + " nz=" + std::to_string(p.nz) +
                            " v=" + std::to_string(p.v) + " g=" + std::to_string(p.g) +
                            " d=" + std::to_string(p.d) + ": ";
  if (!nn::power_of_two(p.r) || p.r < 32 || p.r > 256) {
    throw Error(sizes + "r must be a power of two from 32 to 256");
  }
  if (p.nz <= 0 || p.v <= 0 || p.g <= 0 || p.d <= 0) {
    throw Error(sizes + "nz, v, g and d must be positive");
  }
  const int halvings = 1 << (levels(p) - 1);
  if ((4 * p.v) % halvings != 0) {
    throw Error(sizes + "the decoder halves 4v " + std::to_string(levels(p) - 1) +
                " times: v must be a multiple of " + std::to_string(std::max(1, halvings / 4)));
  }
}

std::unique_ptr<nn::Sequential> vae_decoder(const Preset& p) {
  auto net = std::make_unique<nn::Sequential>();
  const int n = levels(p);
  nn::add_stage(*net, "up0",
                with_bn({.transposed = true, .cin = p.nz, .cout = 4 * p.v, .stride = 1, .pad = 0},
                        Activation::relu));
  int width = 4 * p.v;
  for (int k = 1; k < n; ++k, width /= 2) {
    nn::add_stage(*net, nn::indexed("up", k),
                  with_bn(five(true, width, width / 2), Activation::relu));
  }
  nn::add_stage(*net, nn::indexed("up", n), with_bias(five(true, width, 3), Activation::tanh));
  return net;
}

Downsampler::Downsampler(int width) {
  const nn::StageSpec specs[] = {
      with_bias(five(false, 3, width), Activation::leaky_relu),
      with_bn(five(false, width, 2 * width), Activation::leaky_relu),
      with_bn(five(false, 2 * width, 4 * width), Activation::leaky_relu)};
  for (int k = 0; k < 3; ++k) {
    layers_.push_back(&add_child(nn::indexed("down", k), std::make_unique<nn::Stage>(specs[k])));
  }
}

Tensor Downsampler::downsample(const Tensor& x) {
  Tensor h = x;
  for (nn::Stage* layer : layers_)
    h = layer->forward(h);
  return h;
}

VaeEncoder::VaeEncoder(const Preset& p) : Downsampler(p.v) {
  fc_mu_ = &add_child("fc_mu", std::make_unique<nn::Linear>(flat_features(p, p.v), p.nz, true));
  fc_logvar_ =
      &add_child("fc_logvar", std::make_unique<nn::Linear>(flat_features(p, p.v), p.nz, true));
}

Tensor VaeEncoder::forward(const Tensor& x) {
  return encode(x).first;
}

std::pair<Tensor, Tensor> VaeEncoder::encode(const Tensor& x) {
  Tensor h = downsample(x);
  if (dropout_enabled_) h = ops::dropout(h, kDropout, dropout_seed_, training());
  h = flatten(h);
  return {fc_mu_->forward(h), fc_logvar_->forward(h)};
}

std::unique_ptr<nn::Sequential> generator(const Preset& p) {
  auto net = std::make_unique<nn::Sequential>();
  const int n = levels(p);
  int width = p.g << n;
  net->add("fc", std::make_unique<Projection>(p.nz, width));
  for (int k = 0; k < n - 1; ++k, width /= 2) {
    nn::add_stage(*net, nn::indexed("up", k),
                  with_bn(five(true, width, width / 2), Activation::relu));
  }
  nn::add_stage(*net, nn::indexed("up", n - 1), with_bias(five(true, width, 3), Activation::tanh));
  return net;
}

Discriminator::Discriminator(const Preset& p) : Downsampler(p.d) {
  head_ = &add_child("head", std::make_unique<nn::Linear>(flat_features(p, p.d), 1, true));
}

Tensor Discriminator::forward(const Tensor& x) {
  return logit(features(x));
}

Tensor Discriminator::features(const Tensor& x) {
  return flatten(downsample(x));
}

Tensor Discriminator::logit(const Tensor& features) {
  return head_->forward(features);
}

}  // namespace aegan::degan
