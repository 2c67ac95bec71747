#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "nets/models/aegan/preset.hpp"

namespace aegan {

// One convolution of a network, as docs/models/aegan.md defines it; square kernels and inputs.
struct ConvLayer {
  std::string name;  // checkpoint prefix of its parameters, e.g. "g_e.up1.conv"
  bool transposed;   // ConvT (weight [cin, cout, k, k]) rather than Conv ([cout, cin, k, k])
  int cin, cout, k, stride, pad;
  int in_size;   // spatial size of its input
  bool bias;     // only phi's convolutions have one
  bool reflect;  // reflection padding (the ResBlock convolutions), else zeros

  int out_size() const;
  std::vector<int64_t> weight_shape() const;  // as in the checkpoint
  long long parameter_count() const;          // weight and bias elements
};

// Every Conv and ConvT of G_E, H, F, D_E, D_R and phi, in that order, each network's layers from
// its input to its output (a ResBlock's two convolutions follow the layer they belong to).
std::vector<ConvLayer> conv_layers(const Preset& preset);

}  // namespace aegan
