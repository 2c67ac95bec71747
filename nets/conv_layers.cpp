#include "nets/conv_layers.hpp"

#include <algorithm>
#include <bit>

#include "engine/error.hpp"

namespace aegan {
namespace {

// log2 of a ratio of two sizes that the spec requires to be powers of two.
int levels(int big, int small, const char* what) {
  if (small <= 0 || big % small != 0 || !std::has_single_bit(static_cast<unsigned>(big / small))) {
    throw Error(std::string("preset: ") + what + " is not a power of two");
  }
  return std::countr_zero(static_cast<unsigned>(big / small));
}

class Builder {
 public:
  explicit Builder(std::vector<ConvLayer>& layers) : layers_(layers) {}

  // Conv/ConvT(cin -> cout, 4, stride, pad) named "<prefix>.conv" (or `prefix` itself for heads).
  void conv(std::string name, bool transposed, int cin, int cout, int stride, int pad, int size,
            bool bias = false) {
    layers_.push_back({std::move(name), transposed, cin, cout, 4, stride, pad, size, bias, false});
  }
  void res_block(const std::string& layer, int channels, int size) {
    for (const char* conv : {".res.conv1", ".res.conv2"}) {
      layers_.push_back({layer + conv, false, channels, channels, 3, 1, 1, size, false, true});
    }
  }

 private:
  std::vector<ConvLayer>& layers_;
};

std::string layer(const char* net, const char* kind, int index) {
  return std::string(net) + "." + kind + std::to_string(index);
}

void embedding_generator(const Preset& p, Builder& b) {
  const int n = levels(p.es, 4, "es/4");
  int c = 8 * p.w;
  b.conv("g_e.up0.conv", true, p.nz, c, 1, 0, 1);
  b.res_block("g_e.up0", c, 4);
  for (int j = 1; j <= n; ++j) {
    const int size = 4 << (j - 1);
    const std::string name = layer("g_e", "up", j);
    const int out = j == n ? p.ec : c / 2;
    b.conv(name + ".conv", true, c, out, 2, 1, size);
    if (j < n) b.res_block(name, out, 2 * size);
    c = out;
  }
}

void encoder(const Preset& p, Builder& b) {
  const int n = levels(p.r, p.es, "r/es");
  for (int j = 0; j < n; ++j) {
    const int size = p.r >> j;
    const std::string name = layer("h", "down", j);
    b.conv(name + ".conv", false, j == 0 ? 3 : p.ec, p.ec, 2, 1, size);
    if (j < n - 1) b.res_block(name, p.ec, size / 2);
  }
}

void decoder(const Preset& p, Builder& b) {
  const int n = levels(p.r, p.es, "r/es");
  for (int j = 0; j < n; ++j) {
    const int size = p.es << j;
    const std::string name = layer("f", "up", j);
    b.conv(name + ".conv", true, p.ec, j == n - 1 ? 3 : p.ec, 2, 1, size);
    if (j < n - 1) b.res_block(name, p.ec, 2 * size);
  }
}

void embedding_discriminator(const Preset& p, Builder& b) {
  const int n = levels(p.es, 4, "es/4");
  int c = p.ec;
  for (int j = 0; j < n; ++j) {
    const int out = (8 * p.w) >> (n - 1 - j);
    b.conv(layer("d_e", "down", j) + ".conv", false, c, out, 2, 1, p.es >> j);
    c = out;
  }
  b.conv("d_e.head", false, 8 * p.w, 1, 1, 0, 4);
}

void image_discriminator(const Preset& p, Builder& b) {
  const int n = levels(p.r, 4, "r/4");
  int c = 3;
  for (int j = 0; j < n; ++j) {
    // Width w, doubling over the last three layers to 8w.
    const int out = p.w << std::max(0, j - (n - 4));
    b.conv(layer("d_r", "down", j) + ".conv", false, c, out, 2, 1, p.r >> j);
    c = out;
  }
  b.conv("d_r.head", false, 8 * p.w, 1, 1, 0, 4);
}

void denoiser(const Preset& p, Builder& b) {
  const int n = levels(p.r, 1, "r");
  auto width = [&](int i) { return std::min(p.w << i, 8 * p.w); };
  for (int i = 0; i < n; ++i) {
    b.conv(layer("phi", "enc", i) + ".conv", false, i == 0 ? 3 : width(i - 1), width(i), 2, 1,
           p.r >> i, true);
  }
  int c = width(n - 1);
  for (int j = 0; j < n; ++j) {
    const int out = j <= n - 2 ? width(n - 2 - j) : 3;
    b.conv(layer("phi", "dec", j) + ".conv", true, c, out, 2, 1, 1 << j, true);
    c = out;
  }
}

}  // namespace

int ConvLayer::out_size() const {
  return transposed ? (in_size - 1) * stride - 2 * pad + k : (in_size + 2 * pad - k) / stride + 1;
}

std::vector<int64_t> ConvLayer::weight_shape() const {
  return transposed ? std::vector<int64_t>{cin, cout, k, k} : std::vector<int64_t>{cout, cin, k, k};
}

long long ConvLayer::parameter_count() const {
  return static_cast<long long>(cin) * cout * k * k + (bias ? cout : 0);
}

std::vector<ConvLayer> conv_layers(const Preset& preset) {
  std::vector<ConvLayer> layers;
  Builder builder(layers);
  embedding_generator(preset, builder);
  encoder(preset, builder);
  decoder(preset, builder);
  embedding_discriminator(preset, builder);
  image_discriminator(preset, builder);
  denoiser(preset, builder);
  return layers;
}

}  // namespace aegan
