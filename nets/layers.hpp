#pragma once
#include <cstdint>

#include "engine/ops.hpp"
#include "nets/module.hpp"

namespace aegan::nn {

// The building blocks of docs/models/aegan.md ("Building blocks").
// A square convolution: Conv (weight [cout, cin, k, k]) or ConvT (weight [cin, cout, k, k]).
// Weights are drawn from N(0, 0.02) and biases start at 0 ("Initialisation").
struct ConvSpec {
  bool transposed = false;
  int cin = 0, cout = 0, k = 4, stride = 1, pad = 0;
  int output_pad = 0;    // ConvT only: extra rows and columns at the bottom and right
  bool reflect = false;  // reflection instead of zero padding (Conv only)
  bool bias = false;
};

class Convolution : public Module {
 public:
  explicit Convolution(const ConvSpec& spec);
  Tensor forward(const Tensor& x) override;
  // activation(forward(x)) as one op where the engine fuses them (ops::conv2d_activation).
  Tensor forward(const Tensor& x, ops::Activation activation, float leaky_slope);
  // epilogue(forward(x)) in one kernel where nothing needs gradients (ops::conv2d_inference).
  Tensor forward_fused(const Tensor& x, const ops::Epilogue& epilogue);
  void initialise(Rng& rng) override;

 private:
  ops::Conv2dOptions options() const;
  ops::ConvTranspose2dOptions transposed_options() const;

  ConvSpec spec_;
  Tensor weight_, bias_;
};

// A fully connected layer, y = x weight^T + bias for x [N, in] (weight [out, in] from N(0, 0.02),
// bias 0 where it has one).
class Linear : public Module {
 public:
  Linear(int in, int out, bool bias);
  Tensor forward(const Tensor& x) override;
  void initialise(Rng& rng) override;

 private:
  Tensor weight_, bias_;
};

// eps 1e-5, momentum 0.1; weight from N(1, 0.02), bias 0.
class BatchNorm2d : public Module {
 public:
  explicit BatchNorm2d(int channels);
  Tensor forward(const Tensor& x) override;
  // activation(forward(x)) as one op where the engine fuses them (ops::batch_norm2d_activation).
  Tensor forward(const Tensor& x, ops::Activation activation, float leaky_slope);
  void initialise(Rng& rng) override;
  // What evaluation mode normalises with, for a convolution to fold in.
  ops::BatchNormEval evaluation() const;

 private:
  Tensor weight_, bias_, running_mean_, running_var_;
};

// y = x + BN(Conv3x3(ReLU(BN(Conv3x3(x))))), reflection padding, no bias.
class ResBlock : public Module {
 public:
  explicit ResBlock(int channels);
  Tensor forward(const Tensor& x) override;

 private:
  Convolution* conv1_;
  BatchNorm2d* bn1_;
  Convolution* conv2_;
  BatchNorm2d* bn2_;
};

using Activation = ops::Activation;

// One named layer of a network ("up1", "enc3", ...): a 4x4 convolution ("conv"), optional BN
// ("bn"), optional activation, optional dropout, optional ResBlock ("res"). docs/models/aegan.md
// puts phi's activations at the start of each level; nets/networks.cpp ends the level before with
// them instead (the same function, as nothing else reads the values between), where they fuse with
// that level's BN. Dropout zeroes values or scales them by 1/(1-p) > 0, which commutes with ReLU
// and leaky ReLU, so docs/models/aegan.md's order BN, dropout, activation is the same as this one;
// a stage with dropout takes no other activation (the constructor checks).
struct StageSpec {
  bool transposed = false;
  int cin = 0, cout = 0, k = 4, stride = 2, pad = 1;
  int output_pad = 0;  // ConvT only
  bool bias = false;
  bool batch_norm = false;
  Activation after = Activation::none;
  bool dropout = false;
  bool res_block = false;
};

class Stage : public Module {
 public:
  explicit Stage(const StageSpec& spec);
  Tensor forward(const Tensor& x) override;
  // Dropout masks are drawn from this seed, so a training step can be replayed exactly.
  void set_dropout_seed(uint64_t seed) { dropout_seed_ = seed; }
  // Test-only (tests/parity): no dropout in training mode, so that PyTorch can replay a step.
  void set_dropout_enabled(bool enabled) { dropout_enabled_ = enabled; }

 private:
  StageSpec spec_;
  Convolution* conv_;
  BatchNorm2d* bn_ = nullptr;
  ResBlock* res_ = nullptr;
  uint64_t dropout_seed_ = 0;
  bool dropout_enabled_ = true;
};

}  // namespace aegan::nn
