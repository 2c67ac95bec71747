#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "app/commands.hpp"
#include "engine/error.hpp"
#include "engine/io/safetensors.hpp"
#include "nets/data/image_set.hpp"
#include "nets/model_io.hpp"
#include "nets/report/image_grid.hpp"
#include "nets/sampler.hpp"

namespace aegan::app {
namespace {

struct SampleFlags {
  std::string checkpoint, out, z_file, tensors, reconstruct;
  int64_t count = 64;
  uint64_t seed = 1;
  int64_t batch = 16;
};

std::string numbered(const char* stem, int64_t i) {
  char name[64];
  std::snprintf(name, sizeof name, "%s_%04lld.png", stem, static_cast<long long>(i));
  return name;
}

void write_each(const std::filesystem::path& dir, const char* stem, const Tensor& images,
                int64_t per_file) {
  const std::vector<float> host = images.to_host();
  const int size = static_cast<int>(images.dim(3));
  const size_t image = static_cast<size_t>(3 * size * size);
  for (int64_t i = 0; i < images.dim(0) / per_file; ++i) {
    report::write_image_grid(
        dir / numbered(stem, i),
        std::span<const float>(host).subspan(i * per_file * image, per_file * image),
        static_cast<int>(per_file), 3, size, static_cast<int>(per_file), 0);
  }
}

Tensor read_z(const std::filesystem::path& path, int nz) {
  const io::Safetensors file = io::read_safetensors(path);
  const io::HostTensor& z = file.at("z");
  if (z.shape.size() != 2 || z.shape[1] != nz) {
    throw Error(path.string() + ": tensor 'z' must have shape [N, " + std::to_string(nz) + "]");
  }
  return Tensor::from_host(z.shape, z.data);
}

void reconstruct_folder(Aegan& model, const SampleFlags& flags) {
  data::ImageOptions options;
  options.resolution = model.preset().r;
  const data::ImageSet images = data::ImageSet::open(flags.reconstruct, options);
  const int r = model.preset().r;
  const size_t image = static_cast<size_t>(3 * r * r);
  std::vector<float> pairs;
  for (int64_t i = 0; i < images.size(); ++i) {
    std::vector<float> x(image);
    if (!images.load(i, x.data())) continue;
    const Tensor reconstruction = reconstruct(model, Tensor::from_host({1, 3, r, r}, x), 1);
    const std::vector<float> y = reconstruction.to_host();
    pairs.insert(pairs.end(), x.begin(), x.end());
    pairs.insert(pairs.end(), y.begin(), y.end());
  }
  const int64_t count = static_cast<int64_t>(pairs.size() / image);
  write_each(flags.out, "reconstruction", Tensor::from_host({count, 3, r, r}, pairs), 2);
  std::cout << "wrote " << count / 2 << " reconstructions (input | F(H(input))) to " << flags.out
            << '\n';
}

void run_sample(const SampleFlags& flags, const GlobalOptions& globals) {
  start_runtime(globals);
  std::unique_ptr<Aegan> model = load_model(flags.checkpoint);
  std::filesystem::create_directories(flags.out);
  if (!flags.reconstruct.empty()) {
    reconstruct_folder(*model, flags);
    return;
  }
  if (flags.count < 1) throw Error("--count must be at least 1");
  const Tensor z = flags.z_file.empty() ? sample_z(flags.count, model->preset().nz, flags.seed)
                                        : read_z(flags.z_file, model->preset().nz);
  const Generated generated = generate(*model, z, flags.batch);
  write_each(flags.out, "sample", generated.image, 1);
  for (const auto& [name, images] :
       {std::pair<const char*, const Tensor&>{"grid.png", generated.image},
        {"grid_x_hat.png", generated.x_hat}}) {
    report::write_image_grid(std::filesystem::path(flags.out) / name, images.to_host(),
                             static_cast<int>(z.dim(0)), 3, model->preset().r, 0);
  }
  if (!flags.tensors.empty()) {
    io::Safetensors file;
    for (const auto& [name, tensor] : {std::pair<const char*, const Tensor&>{"z", z},
                                       {"embedding", generated.embedding},
                                       {"x_hat", generated.x_hat},
                                       {"image", generated.image}}) {
      file.tensors[name] = io::HostTensor{tensor.shape(), tensor.to_host()};
    }
    io::write_safetensors(flags.tensors, file);
  }
  std::cout << "wrote " << z.dim(0) << " samples, grid.png and grid_x_hat.png (the same z before "
            << "the denoiser) to " << flags.out << '\n';
}

}  // namespace

void register_sample(CLI::App& app, const GlobalOptions& globals) {
  auto* command = app.add_subcommand(
      "sample",
      "Generate images phi(F(G_E(z))) from a checkpoint (eval mode), or reconstruct "
      "images F(H(x)) with --reconstruct.");
  auto flags = std::make_shared<SampleFlags>();
  command->add_option("--checkpoint", flags->checkpoint, "checkpoint or model file")->required();
  command->add_option("--out", flags->out, "output folder")->required();
  command->add_option("--count", flags->count, "number of samples")->capture_default_str();
  command->add_option("--seed", flags->seed, "seed of z ~ U(-1, 1)")->capture_default_str();
  command->add_option("--batch", flags->batch, "images per GPU pass")->capture_default_str();
  command->add_option("--z", flags->z_file, "safetensors file with tensor 'z' [N, nz] to use");
  command->add_option("--tensors", flags->tensors,
                      "also write z, embedding, x_hat and image to this safetensors file");
  command->add_option("--reconstruct", flags->reconstruct,
                      "folder of images to reconstruct instead of sampling");
  command->callback([flags, &globals] { run_sample(*flags, globals); });
}

}  // namespace aegan::app
