#include "nets/blocks.hpp"

#include <algorithm>
#include <bit>

namespace aegan::nn {

bool power_of_two(int value) {
  return value > 0 && std::has_single_bit(static_cast<unsigned>(value));
}

int log2_of(int value) {
  return std::countr_zero(static_cast<unsigned>(value));
}

std::string indexed(const char* kind, int index) {
  return kind + std::to_string(index);
}

void add_stage(Sequential& net, std::string layer, const StageSpec& spec) {
  net.add(std::move(layer), std::make_unique<Stage>(spec));
}

void add_head(Sequential& net, int channels) {
  net.add("head", std::make_unique<Convolution>(ConvSpec{.cin = channels, .cout = 1}));
}

int feature_width(int w, int s) {
  return w * std::clamp(32 / s, 1, 8);
}

std::unique_ptr<Sequential> image_discriminator(int r, int w) {
  auto net = std::make_unique<Sequential>();
  const int n = log2_of(r / 4);
  int c = 3;
  for (int j = 0; j < n; ++j) {
    const int out = feature_width(w, r >> (j + 1));
    add_stage(*net, indexed("down", j),
              {.cin = c, .cout = out, .batch_norm = j > 0, .after = Activation::leaky_relu});
    c = out;
  }
  add_head(*net, c);
  return net;
}

}  // namespace aegan::nn
