// Helper of the viewer's tests: writes a model both `aegan-vk view` and `aegan-vk sample` load,
// draws the embedding panel's expected picture, and compares the viewer's screenshot with such
// PNGs (INSET: pixels of SAMPLE's border left out, as of a grid of one image).
//   viewer_test_tool write-model FILE SEED GAIN [MODEL]   (default aegan, at its default preset)
//   viewer_test_tool embedding-png MODEL SEED ZOOM COLUMNS GAP OUT.png
//   viewer_test_tool compare SHOT.png SAMPLE.png X Y ZOOM TOLERANCE [INSET]
#include <stb/stb_image.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/autograd.hpp"
#include "engine/error.hpp"
#include "engine/io/safetensors.hpp"
#include "engine/runtime.hpp"
#include "nets/model_io.hpp"
#include "nets/models/registry.hpp"
#include "nets/report/canvas.hpp"
#include "nets/report/png.hpp"
#include "nets/sampler.hpp"

namespace {

// Freshly initialised weights give an almost uniform grey image, which would make the comparison
// meaningless; scaling the weights of convolutions and linear layers by GAIN gives images with
// structure.
int write_model(const std::string& path, uint64_t seed, float gain, const std::string& kind_name) {
  const aegan::ModelKind& kind = aegan::model_kind(kind_name);
  std::unique_ptr<aegan::Model> model =
      aegan::create_model(kind_name, kind.preset(kind.default_preset));
  model->initialise(seed);
  for (auto& [name, tensor] : model->state()) {
    if (tensor.rank() < 2 || name.find("weight") == std::string::npos) continue;
    std::vector<float> values = tensor.to_host();
    for (float& v : values)
      v *= gain;
    tensor.upload(values);
  }
  aegan::io::Safetensors file;
  file.metadata = model->metadata();
  aegan::store_tensors(model->state(), file);
  aegan::io::write_safetensors(path, file);
  return 0;
}

// G_E(z) for the first z of `sample --seed SEED`, its channels as grey tiles (-1 black, +1 white)
// laid out as the viewer's embedding panel does it, but drawn here on the host.
int embedding_png(const std::string& model_path, uint64_t seed, int zoom, int columns, int gap,
                  const std::string& out) {
  std::unique_ptr<aegan::Model> model = aegan::load_model(model_path);
  const int nz = model->latent_size();
  aegan::NoGradGuard no_grad;
  const aegan::Tensor embedding = model->embedding_space()->embed(
      aegan::sample_z(1, nz, seed, model->prior()).reshape({1, nz, 1, 1}));
  const std::vector<float> values = embedding.to_host();
  const int channels = static_cast<int>(embedding.dim(1)),
            size = static_cast<int>(embedding.dim(2));
  const int rows = (channels + columns - 1) / columns, tile = size * zoom;
  aegan::report::Canvas canvas(columns * tile + (columns - 1) * gap, rows * tile + (rows - 1) * gap,
                               {23, 23, 26});
  for (int c = 0; c < channels; ++c) {
    for (int y = 0; y < tile; ++y) {
      for (int x = 0; x < tile; ++x) {
        const float v = values[static_cast<size_t>((c * size + y / zoom) * size + x / zoom)];
        const float clamped = v > 1.0f ? 1.0f : (v >= -1.0f ? v : -1.0f);
        const auto grey = static_cast<uint8_t>(std::floor((clamped + 1.0f) * 127.5f + 0.5f));
        canvas.set((c % columns) * (tile + gap) + x, (c / columns) * (tile + gap) + y,
                   {grey, grey, grey});
      }
    }
  }
  aegan::report::write_png(out, canvas);
  return 0;
}

struct Image {
  int width = 0, height = 0;
  std::unique_ptr<unsigned char, void (*)(void*)> pixels{nullptr, stbi_image_free};
  const unsigned char* at(int x, int y) const { return pixels.get() + (y * width + x) * 3; }
};

Image load(const char* path) {
  Image image;
  int channels = 0;
  image.pixels.reset(stbi_load(path, &image.width, &image.height, &channels, 3));
  if (!image.pixels) throw aegan::Error(std::string("cannot read ") + path);
  return image;
}

int compare(const char* shot_path, const char* sample_path, int x0, int y0, int zoom,
            double tolerance, int inset) {
  const Image shot = load(shot_path), sample = load(sample_path);
  const int w = (sample.width - 2 * inset) * zoom, h = (sample.height - 2 * inset) * zoom;
  if (x0 < 0 || y0 < 0 || x0 + w > shot.width || y0 + h > shot.height) {
    std::printf("FAIL: the image (%dx%d at %d,%d) lies outside the %dx%d screenshot\n", w, h, x0,
                y0, shot.width, shot.height);
    return 1;
  }
  double max_diff = 0, sum_diff = 0, sum = 0, sum_sq = 0;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const unsigned char* a = shot.at(x0 + x, y0 + y);
      const unsigned char* b = sample.at(inset + x / zoom, inset + y / zoom);
      for (int c = 0; c < 3; ++c) {
        const double d = std::abs(double(a[c]) - double(b[c]));
        max_diff = std::max(max_diff, d);
        sum_diff += d;
        sum += b[c];
        sum_sq += double(b[c]) * b[c];
      }
    }
  }
  const double n = 3.0 * w * h;
  const double spread = std::sqrt(std::max(0.0, sum_sq / n - (sum / n) * (sum / n)));
  // The UI: many distinct colours outside the image (text, widgets, window frames).
  std::set<int> colours;
  for (int y = 0; y < shot.height; y += 1) {
    for (int x = 0; x < std::min(x0, shot.width); ++x) {
      const unsigned char* p = shot.at(x, y);
      colours.insert(p[0] << 16 | p[1] << 8 | p[2]);
    }
  }
  std::printf(
      "image: max diff %.0f, mean diff %.3f, sample spread %.1f; UI colours left of it %zu\n",
      max_diff, sum_diff / n, spread, colours.size());
  if (spread < 5) {
    std::printf("FAIL: the sample is nearly uniform, the comparison would prove nothing\n");
    return 1;
  }
  if (max_diff > tolerance) {
    std::printf("FAIL: the screenshot's image differs from the sample by more than %.0f\n",
                tolerance);
    return 1;
  }
  if (colours.size() < 8) {
    std::printf("FAIL: no UI outside the image\n");
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // The runtime goes before the exit handlers run: left to its static destructor, its last
  // submission reaches a driver and validation layer that are being unloaded.
  struct RuntimeShutdown {
    ~RuntimeShutdown() { aegan::Runtime::shutdown(); }
  } shutdown;
  try {
    const std::string command = argc > 1 ? argv[1] : "";
    if (command == "write-model" && (argc == 5 || argc == 6)) {
      return write_model(argv[2], std::strtoull(argv[3], nullptr, 10),
                         std::strtof(argv[4], nullptr), argc == 6 ? argv[5] : "aegan");
    }
    if (command == "embedding-png" && argc == 8) {
      return embedding_png(argv[2], std::strtoull(argv[3], nullptr, 10), std::atoi(argv[4]),
                           std::atoi(argv[5]), std::atoi(argv[6]), argv[7]);
    }
    if (command == "compare" && (argc == 8 || argc == 9)) {
      return compare(argv[2], argv[3], std::atoi(argv[4]), std::atoi(argv[5]), std::atoi(argv[6]),
                     std::atof(argv[7]), argc == 9 ? std::atoi(argv[8]) : 0);
    }
    std::fprintf(
        stderr,
        "usage: viewer_test_tool write-model FILE SEED GAIN [MODEL] | embedding-png MODEL SEED "
        "ZOOM COLUMNS GAP OUT | compare SHOT SAMPLE X Y ZOOM TOLERANCE [INSET]\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "viewer_test_tool: %s\n", e.what());
    return 1;
  }
}
