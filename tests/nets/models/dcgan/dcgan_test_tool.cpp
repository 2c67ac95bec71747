// Helper of the DCGAN shell tests: the engine's side of the comparisons with PyTorch.
//   dcgan_test_tool sizes
//     JSON on stdout: for every preset, the element counts of G's and D's parameters and buffers
//     (the fields of bench/peer_dcgan.py --sizes-only).
//   dcgan_test_tool check MODEL [PROBE TOLERANCE]
//     Loads MODEL (a DCGAN safetensors file) into the engine's networks: its preset from the
//     metadata, every tensor by name and shape, no tensor left over. With PROBE (tensors "z",
//     "image" = G(z) and "logit" = D(image), both in eval mode, as PyTorch computed them) it runs
//     G and D in eval mode and fails where an output differs by more than TOLERANCE.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "bench/train_bench.hpp"
#include "engine/autograd.hpp"
#include "engine/error.hpp"
#include "engine/io/safetensors.hpp"
#include "engine/runtime.hpp"
#include "nets/model_io.hpp"
#include "nets/models/dcgan/dcgan.hpp"

namespace {

using aegan::Tensor;
using aegan::dcgan::Dcgan;

int sizes() {
  nlohmann::ordered_json presets = nlohmann::ordered_json::array();
  for (const std::string& name : aegan::dcgan::preset_names()) {
    Dcgan model(aegan::dcgan::preset_by_name(name));
    nlohmann::ordered_json sizes = nlohmann::ordered_json::array();
    for (const auto& size : aegan::bench::network_sizes(model.networks())) {
      sizes.push_back(
          {{"network", size.network}, {"parameters", size.parameters}, {"buffers", size.buffers}});
    }
    presets.push_back({{"preset", name}, {"sizes", sizes}});
  }
  std::printf("%s\n", nlohmann::ordered_json{{"presets", presets}}.dump(2).c_str());
  return 0;
}

Tensor upload(const aegan::io::HostTensor& stored) {
  return Tensor::from_host(aegan::Shape(stored.shape.begin(), stored.shape.end()), stored.data);
}

// Largest |a - b| over the elements of two tensors of one shape.
double max_difference(const Tensor& ours, const aegan::io::HostTensor& theirs) {
  if (ours.shape() != aegan::Shape(theirs.shape.begin(), theirs.shape.end())) {
    throw aegan::Error("shape " + aegan::to_string(ours.shape()) + " differs from the probe's");
  }
  const auto values = ours.to_host();
  double worst = 0;
  for (size_t i = 0; i < values.size(); ++i)
    worst = std::max(worst, std::abs(static_cast<double>(values[i]) - theirs.data[i]));
  return worst;
}

int check(const std::string& path, const char* probe_path, double tolerance) {
  const aegan::io::Safetensors file = aegan::io::read_safetensors(path);
  Dcgan model(aegan::dcgan::preset_from_metadata(file));
  const auto state = model.state();
  aegan::restore_tensors(state, file);
  std::set<std::string> known;
  for (const auto& [name, tensor] : state)
    known.insert(name);
  for (const auto& [name, tensor] : file.tensors) {
    if (!known.count(name)) throw aegan::Error(path + ": tensor '" + name + "' is not DCGAN's");
  }
  std::printf("%s: %zu tensors, r=%d w=%d nz=%d\n", path.c_str(), state.size(), model.preset().r,
              model.preset().w, model.preset().nz);
  if (!probe_path) return 0;
  const aegan::io::Safetensors probe = aegan::io::read_safetensors(probe_path);
  model.set_training(false);
  aegan::NoGradGuard no_grad;
  const Tensor image = model.generate(upload(probe.at("z")));
  const double image_error = max_difference(image, probe.at("image"));
  const double logit_error =
      max_difference(model.d().forward(upload(probe.at("image"))), probe.at("logit"));
  std::printf("largest difference from PyTorch: G(z) %.3g, D(image) %.3g (tolerance %.3g)\n",
              image_error, logit_error, tolerance);
  return image_error <= tolerance && logit_error <= tolerance ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  // The runtime goes before the exit handlers run: left to its static destructor, its last
  // submission reaches a driver and validation layer that are being unloaded (a crash there).
  struct RuntimeShutdown {
    ~RuntimeShutdown() { aegan::Runtime::shutdown(); }
  } shutdown;
  try {
    const std::string command = argc > 1 ? argv[1] : "";
    if (command == "sizes" && argc == 2) return sizes();
    if (command == "check" && argc == 3) return check(argv[2], nullptr, 0);
    if (command == "check" && argc == 5) return check(argv[2], argv[3], std::atof(argv[4]));
    std::fprintf(stderr, "usage: dcgan_test_tool sizes | check MODEL [PROBE TOLERANCE]\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dcgan_test_tool: %s\n", e.what());
    return 1;
  }
}
