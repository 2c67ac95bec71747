#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "app/commands.hpp"
#include "engine/error.hpp"
#include "engine/io/safetensors.hpp"
#include "nets/data/image_set.hpp"
#include "nets/models/registry.hpp"
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

void reconstruct_folder(Model& model, const SampleFlags& flags) {
  data::ImageOptions options;
  options.resolution = model.image_size();
  const data::ImageSet images = data::ImageSet::open(flags.reconstruct, options);
  const int r = model.image_size();
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
  std::cout << "wrote " << count / 2 << " reconstructions (input | reconstruction) to " << flags.out
            << '\n';
}

void run_sample(const SampleFlags& flags, const GlobalOptions& globals) {
  start_runtime(globals);
  std::unique_ptr<Model> model = load_model(flags.checkpoint);
  std::filesystem::create_directories(flags.out);
  if (!flags.reconstruct.empty()) {
    reconstruct_folder(*model, flags);
    return;
  }
  if (flags.count < 1) throw Error("--count must be at least 1");
  const int nz = model->latent_size();
  const Tensor z = flags.z_file.empty() ? sample_z(flags.count, nz, flags.seed, model->prior())
                                        : read_z(flags.z_file, nz);
  const std::vector<NamedImages> generated = generate(*model, z, flags.batch);
  write_each(flags.out, "sample", generated.back().images, 1);
  // grid.png of the final images, grid_<name>.png of each intermediate (AEGAN's x_hat).
  std::string grids;
  for (const NamedImages& part : generated) {
    const std::string name = &part == &generated.back() ? "grid.png" : "grid_" + part.name + ".png";
    report::write_image_grid(std::filesystem::path(flags.out) / name, part.images.to_host(),
                             static_cast<int>(z.dim(0)), 3, model->image_size(), 0);
    grids += ", " + name + " (" + part.label + ")";
  }
  if (!flags.tensors.empty()) {
    io::Safetensors file;
    file.tensors["z"] = io::HostTensor{z.shape(), z.to_host()};
    for (const NamedImages& part : generated)
      file.tensors[part.name] = io::HostTensor{part.images.shape(), part.images.to_host()};
    io::write_safetensors(flags.tensors, file);
  }
  std::cout << "wrote " << z.dim(0) << " samples" << grids << " to " << flags.out << '\n';
}

}  // namespace

void register_sample(CLI::App& app, const GlobalOptions& globals) {
  auto* command = app.add_subcommand(
      "sample",
      "Generate images from a checkpoint of any model (eval mode; AEGAN: phi(F(G_E(z))), also "
      "x_hat), or reconstruct images (AEGAN: F(H(x))) with --reconstruct.");
  auto flags = std::make_shared<SampleFlags>();
  command->add_option("--checkpoint", flags->checkpoint, "checkpoint or model file")->required();
  command->add_option("--out", flags->out, "output folder")->required();
  command->add_option("--count", flags->count, "number of images to generate")
      ->capture_default_str();
  command
      ->add_option("--seed", flags->seed, "seed of z (from the prior the model was trained with)")
      ->capture_default_str();
  command->add_option("--batch", flags->batch, "images per GPU pass")->capture_default_str();
  command->add_option(
      "--z", flags->z_file,
      "take z from tensor 'z' [N, nz] of this safetensors file instead of drawing it");
  command->add_option("--tensors", flags->tensors,
                      "also write z and every image the model makes of it (AEGAN: x_hat, image) to "
                      "this safetensors file");
  command->add_option("--reconstruct", flags->reconstruct,
                      "folder of images to reconstruct instead of sampling");
  command->callback([flags, &globals] { run_sample(*flags, globals); });
}

}  // namespace aegan::app
