#include "nets/models/stackgan/networks.hpp"

#include <functional>

#include "engine/error.hpp"
#include "engine/ops.hpp"
#include "nets/blocks.hpp"
#include "nets/layers.hpp"
#include "nets/models/presets.hpp"

namespace aegan::stackgan {
namespace {

constexpr float kLeakySlope = 0.2f;

const std::vector<Preset>& presets() {
  static const std::vector<Preset> all = {
      {"sg256", 3, 64, 64, 100, 2}, {"sg512", 4, 64, 64, 100, 2}, {"sg-tiny", 2, 16, 16, 16, 1}};
  return all;
}

// A step of a network without parameters (GLU, upsampling, activations): a child of its own, so
// that the children with parameters get the official code's indices.
class Function : public nn::Module {
 public:
  explicit Function(std::function<Tensor(const Tensor&)> function)
      : function_(std::move(function)) {}
  Tensor forward(const Tensor& x) override { return function_(x); }

 private:
  std::function<Tensor(const Tensor&)> function_;
};

std::unique_ptr<Function> glu() {
  return std::make_unique<Function>([](const Tensor& x) { return ops::glu(x); });
}

std::unique_ptr<Function> leaky_relu() {
  return std::make_unique<Function>(
      [](const Tensor& x) { return ops::leaky_relu(x, kLeakySlope); });
}

std::unique_ptr<nn::Convolution> conv(int cin, int cout, int k, int stride, int pad,
                                      bool bias = false) {
  return std::make_unique<nn::Convolution>(
      nn::ConvSpec{.cin = cin, .cout = cout, .k = k, .stride = stride, .pad = pad, .bias = bias});
}

std::unique_ptr<nn::Convolution> conv3(int cin, int cout) {
  return conv(cin, cout, 3, 1, 1);
}

// Children named "0", "1", ... in order.
std::unique_ptr<nn::Sequential> indexed(std::vector<std::unique_ptr<nn::Module>> steps) {
  auto net = std::make_unique<nn::Sequential>();
  for (size_t i = 0; i < steps.size(); ++i)
    net->add(std::to_string(i), std::move(steps[i]));
  return net;
}

template <class... Steps>
std::unique_ptr<nn::Sequential> sequence(std::unique_ptr<Steps>... steps) {
  std::vector<std::unique_ptr<nn::Module>> all;
  (all.push_back(std::move(steps)), ...);
  return indexed(std::move(all));
}

// upBlock(i -> o): Up2, Conv3(i -> 2o), BN, GLU.
std::unique_ptr<nn::Sequential> up_block(int cin, int cout) {
  return sequence(
      std::make_unique<Function>([](const Tensor& x) { return ops::upsample_nearest2x(x); }),
      conv3(cin, 2 * cout), std::make_unique<nn::BatchNorm2d>(2 * cout), glu());
}

// jointConv(i -> o), the code's Block3x3_relu: Conv3(i -> 2o), BN, GLU.
std::unique_ptr<nn::Sequential> joint_conv(int cin, int cout) {
  return sequence(conv3(cin, 2 * cout), std::make_unique<nn::BatchNorm2d>(2 * cout), glu());
}

// x + block(x), block = Conv3(c -> 2c), BN, GLU, Conv3(c -> c), BN.
class ResBlock : public nn::Module {
 public:
  explicit ResBlock(int channels) {
    block_ = &add_child(
        "block",
        sequence(conv3(channels, 2 * channels), std::make_unique<nn::BatchNorm2d>(2 * channels),
                 glu(), conv3(channels, channels), std::make_unique<nn::BatchNorm2d>(channels)));
  }
  Tensor forward(const Tensor& x) override { return ops::add(x, block_->forward(x)); }

 private:
  nn::Sequential* block_;
};

// fc of h_net1: Linear(nz -> 2 features, no bias), BN1d, GLU -> [N, features].
class Projection : public nn::Module {
 public:
  Projection(int nz, int features) : features_(features) {
    linear_ = &add_child("0", std::make_unique<nn::Linear>(nz, 2 * features, false));
    bn_ = &add_child("1", std::make_unique<nn::BatchNorm2d>(2 * features));
  }
  Tensor forward(const Tensor& z) override {
    const int64_t n = z.dim(0);
    const Tensor y = linear_->forward(z.reshape({n, z.numel() / n}));
    return ops::glu(bn_->forward(y.reshape({n, 2 * features_, 1, 1}))).reshape({n, features_});
  }

 private:
  int features_;
  nn::Linear* linear_;
  nn::BatchNorm2d* bn_;
};

// h_net1: fc to [ngf, 4, 4], ngf = 16 gf, then upsample1 ... upsample4 to [gf, 64, 64].
class InitialStage : public nn::Module {
 public:
  InitialStage(int nz, int gf) : channels_(16 * gf) {
    fc_ = &add_child("fc", std::make_unique<Projection>(nz, 16 * channels_));
    for (int k = 1, c = channels_; k <= 4; ++k, c /= 2)
      ups_.push_back(&add_child(nn::indexed("upsample", k), up_block(c, c / 2)));
  }
  Tensor forward(const Tensor& z) override {
    Tensor h = fc_->forward(z).reshape({z.dim(0), channels_, 4, 4});
    for (nn::Module* up : ups_)
      h = up->forward(h);
    return h;
  }

 private:
  int channels_;
  Projection* fc_;
  std::vector<nn::Module*> ups_;
};

// h_net k, k >= 2: cat(Tile(z), h) with z's channels first, jointConv, residual blocks,
// upsample: [ngf, s, s] -> [ngf / 2, 2s, 2s].
class NextStage : public nn::Module {
 public:
  NextStage(int nz, int channels, int residuals) {
    joint_ = &add_child("jointConv", joint_conv(nz + channels, channels));
    std::vector<std::unique_ptr<nn::Module>> blocks;
    for (int i = 0; i < residuals; ++i)
      blocks.push_back(std::make_unique<ResBlock>(channels));
    residual_ = &add_child("residual", indexed(std::move(blocks)));
    up_ = &add_child("upsample", up_block(channels, channels / 2));
  }
  Tensor forward(const Tensor&) override {
    throw Error("internal: a later StackGAN-v2 stage needs z and the previous stage's features");
  }
  Tensor forward(const Tensor& z, const Tensor& h) {
    const Tensor tiled = ops::tile_spatial(z, static_cast<int>(h.dim(2)));
    return up_->forward(residual_->forward(joint_->forward(ops::concat({tiled, h}, 1))));
  }

 private:
  nn::Sequential* joint_;
  nn::Sequential* residual_;
  nn::Sequential* up_;
};

// img_net k: img = Conv3(channels -> 3), Tanh.
class ImageStage : public nn::Module {
 public:
  explicit ImageStage(int channels) {
    img_ = &add_child(
        "img", sequence(conv3(channels, 3),
                        std::make_unique<Function>([](const Tensor& x) { return ops::tanh(x); })));
  }
  Tensor forward(const Tensor& h) override { return img_->forward(h); }

 private:
  nn::Sequential* img_;
};

// downBlock(i -> o): Conv(4, 2, 1), BN, LReLU.
std::unique_ptr<nn::Sequential> down_block(int cin, int cout) {
  return sequence(conv(cin, cout, 4, 2, 1), std::make_unique<nn::BatchNorm2d>(cout), leaky_relu());
}

// Block3x3_leakRelu(i -> o): Conv3, BN, LReLU.
std::unique_ptr<nn::Sequential> leaky_block(int cin, int cout) {
  return sequence(conv3(cin, cout), std::make_unique<nn::BatchNorm2d>(cout), leaky_relu());
}

// img_code_s16: four Conv(4, 2, 1) to 8 df channels at a 16th of the size, BN on all but the
// first, LReLU after each.
std::unique_ptr<nn::Sequential> encode_by_16(int df) {
  return sequence(conv(3, df, 4, 2, 1), leaky_relu(), conv(df, 2 * df, 4, 2, 1),
                  std::make_unique<nn::BatchNorm2d>(2 * df), leaky_relu(),
                  conv(2 * df, 4 * df, 4, 2, 1), std::make_unique<nn::BatchNorm2d>(4 * df),
                  leaky_relu(), conv(4 * df, 8 * df, 4, 2, 1),
                  std::make_unique<nn::BatchNorm2d>(8 * df), leaky_relu());
}

}  // namespace

Preset preset_by_name(const std::string& name) {
  return find_preset(presets(), name, "StackGAN-v2");
}

std::vector<std::string> preset_names() {
  return preset_names_of(presets());
}

void check_preset(const Preset& p) {
  const std::string sizes = "StackGAN-v2 size m=" + std::to_string(p.m) +
                            " gf=" + std::to_string(p.gf) + " df=" + std::to_string(p.df) +
                            " nz=" + std::to_string(p.nz) + " R=" + std::to_string(p.residuals) +
                            ": ";
  if (p.m < 1 || p.m > 4) throw Error(sizes + "m must be from 1 to 4 branches (64 to 512 pixels)");
  if (p.gf < 4 || p.gf % 4 != 0) throw Error(sizes + "gf must be a positive multiple of 4");
  if (p.df <= 0 || p.nz <= 0 || p.residuals <= 0) {
    throw Error(sizes + "df, nz and R must be positive");
  }
}

Generator::Generator(const Preset& p) : nz_(p.nz) {
  check_preset(p);
  stages_.push_back(&add_child("h_net1", std::make_unique<InitialStage>(p.nz, p.gf)));
  std::vector<int> widths{p.gf};  // channels of h_k
  for (int k = 2; k <= p.m; ++k) {
    const int channels = p.gf >> (k - 2);
    const int residuals = k >= 4 ? 1 : p.residuals;
    stages_.push_back(&add_child(nn::indexed("h_net", k),
                                 std::make_unique<NextStage>(p.nz, channels, residuals)));
    widths.push_back(channels / 2);
  }
  for (int k = 1; k <= p.m; ++k) {
    outputs_.push_back(
        &add_child(nn::indexed("img_net", k),
                   std::make_unique<ImageStage>(widths[static_cast<size_t>(k - 1)])));
  }
}

Tensor Generator::forward(const Tensor& z) {
  return images(z).back();
}

std::vector<Tensor> Generator::images(const Tensor& z) {
  const Tensor code = z.reshape({z.dim(0), nz_});
  std::vector<Tensor> out;
  Tensor h = stages_[0]->forward(code);
  out.push_back(outputs_[0]->forward(h));
  for (size_t k = 1; k < stages_.size(); ++k) {
    h = static_cast<NextStage*>(stages_[k])->forward(code, h);
    out.push_back(outputs_[k]->forward(h));
  }
  return out;
}

std::unique_ptr<nn::Sequential> discriminator(int size, int df) {
  if (size < 64 || size > 512 || !nn::power_of_two(size)) {
    throw Error("StackGAN-v2 has discriminators for 64, 128, 256 and 512 pixels, not " +
                std::to_string(size));
  }
  auto net = std::make_unique<nn::Sequential>();
  net->add("img_code_s16", encode_by_16(df));
  // Each further halving to 4x4 doubles the width (s32, s64, s128), then 3x3 blocks halve it
  // back to 8 df.
  const int extra = nn::log2_of(size / 64);
  int width = 8 * df;
  for (int k = 0; k < extra; ++k, width *= 2)
    net->add(nn::indexed("img_code_s", 32 << k), down_block(width, 2 * width));
  const std::string last = "img_code_s" + std::to_string(16 << extra);
  for (int k = 1; width > 8 * df; ++k, width /= 2)
    net->add(last + "_" + std::to_string(k), leaky_block(width, width / 2));
  net->add("logits", sequence(conv(8 * df, 1, 4, 4, 0, true)));
  return net;
}

}  // namespace aegan::stackgan
