#include "nets/models/dcgan/dcgan.hpp"

#include "engine/error.hpp"
#include "nets/blocks.hpp"
#include "nets/layers.hpp"
#include "nets/model_io.hpp"
#include "nets/models/presets.hpp"

namespace aegan::dcgan {
namespace {

using nn::Activation;

const std::vector<Preset>& presets() {
  static const std::vector<Preset> all = {
      {"dcgan64", 64, 64, 100}, {"dcgan512", 512, 64, 100}, {"dcgan-tiny64", 64, 16, 100}};
  return all;
}

}  // namespace

Preset preset_by_name(const std::string& name) {
  return find_preset(presets(), name, "DCGAN");
}

std::vector<std::string> preset_names() {
  return preset_names_of(presets());
}

void check_preset(const Preset& p) {
  const std::string sizes = "DCGAN size r=" + std::to_string(p.r) + " w=" + std::to_string(p.w) +
                            " nz=" + std::to_string(p.nz) + ": ";
  if (!nn::power_of_two(p.r) || p.r < 64 || p.r > 512) {
    throw Error(sizes + "r must be a power of two from 64 to 512");
  }
  if (p.w <= 0 || p.nz <= 0) throw Error(sizes + "w and nz must be positive");
}

std::map<std::string, std::string> preset_metadata(const Preset& p) {
  return {{"model", "dcgan"},
          {"preset", p.name},
          {"r", std::to_string(p.r)},
          {"w", std::to_string(p.w)},
          {"nz", std::to_string(p.nz)}};
}

Preset preset_from_metadata(const io::Safetensors& file) {
  const auto model = file.metadata.find("model");
  if (model == file.metadata.end() || model->second != "dcgan") {
    throw Error(file.source.string() + ": not a DCGAN checkpoint (its metadata has no " +
                "\"model\": \"dcgan\")");
  }
  const auto name = file.metadata.find("preset");
  return {name == file.metadata.end() ? "custom" : name->second, metadata_int(file, "r"),
          metadata_int(file, "w"), metadata_int(file, "nz")};
}

std::unique_ptr<nn::Sequential> generator(const Preset& p) {
  auto net = std::make_unique<nn::Sequential>();
  const int n = nn::log2_of(p.r / 4);
  nn::add_stage(*net, "up0",
                {.transposed = true,
                 .cin = p.nz,
                 .cout = nn::feature_width(p.w, 4),
                 .stride = 1,
                 .pad = 0,
                 .batch_norm = true,
                 .after = Activation::relu});
  for (int k = 1; k < n; ++k) {
    nn::add_stage(*net, nn::indexed("up", k),
                  {.transposed = true,
                   .cin = nn::feature_width(p.w, 2 << k),
                   .cout = nn::feature_width(p.w, 4 << k),
                   .batch_norm = true,
                   .after = Activation::relu});
  }
  nn::add_stage(*net, nn::indexed("up", n),
                {.transposed = true,
                 .cin = nn::feature_width(p.w, p.r / 2),
                 .cout = 3,
                 .after = Activation::tanh});
  return net;
}

std::unique_ptr<nn::Sequential> discriminator(const Preset& p) {
  return nn::image_discriminator(p.r, p.w);
}

Dcgan::Dcgan(const Preset& preset) : preset_(preset) {
  check_preset(preset);
  g_ = generator(preset);
  d_ = discriminator(preset);
}

nn::Networks Dcgan::networks() {
  return {{"g", g_.get()}, {"d", d_.get()}};
}

nn::NamedTensors Dcgan::state() {
  return nn::state(networks());
}

void Dcgan::initialise(uint64_t seed) {
  nn::initialise(networks(), seed);
}

void Dcgan::set_training(bool training) {
  nn::set_training(networks(), training);
}

Tensor Dcgan::generate(const Tensor& z) {
  return g_->forward(z.reshape({z.dim(0), preset_.nz, 1, 1}));
}

}  // namespace aegan::dcgan
