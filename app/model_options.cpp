#include "app/model_options.hpp"

#include <CLI/CLI.hpp>
#include <charconv>

#include "engine/error.hpp"
#include "nets/models/registry.hpp"

namespace aegan::app {
namespace {

// The sizes every model's presets may be overridden by, in the order of --help.
struct SizeFlag {
  const char* name;
  const char* help;
};
constexpr SizeFlag kSizeFlags[] = {
    {"r", "image side in pixels (overrides the preset)"},
    {"es", "embedding size (overrides the preset)"},
    {"ec", "embedding channels (overrides the preset)"},
    {"w", "base width of G_E, D_E, D_R, phi (overrides the preset)"},
    {"nz", "length of z (overrides the preset)"},
    {"v", "DE-GAN: base width of the VAE (overrides the preset)"},
    {"g", "DE-GAN: width of G, g 2^n at 4x4 (overrides the preset)"},
    {"d", "DE-GAN: base width of D (overrides the preset)"},
    {"gf", "StackGAN-v2: generator width (overrides the preset)"},
    {"df", "StackGAN-v2: discriminator width (overrides the preset)"},
    {"residuals", "StackGAN-v2: residual blocks of each later stage (overrides the preset)"},
};

}  // namespace

ModelSizes ModelFlags::resolve() const {
  const ModelKind& kind = model_kind(model);
  ModelSizes resolved = kind.preset(preset.empty() ? kind.default_preset : preset);
  for (const SizeFlag& flag : kSizeFlags) {
    const std::string name = flag.name;
    const auto given = sizes.find(name);
    const int value = given == sizes.end() ? 0 : given->second;
    if (value == 0) continue;
    if (!resolved.has(name)) {
      std::string known;
      for (const std::string& size : kind.sizes)
        known += (known.empty() ? "--" : ", --") + size;
      throw Error("--" + name + " is not a size of " + model + " (its sizes: " + known + ")");
    }
    resolved.set(name, value);
    resolved.preset = "custom";
  }
  return resolved;
}

void add_model_options(CLI::App& command, ModelFlags& flags) {
  std::string models, presets;
  for (const ModelKind& kind : model_kinds()) {
    models += (models.empty() ? "" : ", ") + kind.name;
    std::string names;
    for (const std::string& name : kind.presets)
      names += (names.empty() ? "" : ", ") + name;
    presets += (presets.empty() ? "" : "; ") + kind.name + ": " + names + " (default " +
               kind.default_preset + ")";
  }
  command.add_option("--model", flags.model, "the model: " + models)->capture_default_str();
  command.add_option("--preset", flags.preset, "model sizes, by model: " + presets);
  for (const SizeFlag& size : kSizeFlags)
    command.add_option(std::string("--") + size.name, flags.sizes[size.name], size.help);
}

std::array<uint8_t, 3> parse_colour(const std::string& text) {
  const std::string hex = !text.empty() && text[0] == '#' ? text.substr(1) : text;
  std::array<uint8_t, 3> colour{};
  for (size_t i = 0; i < 3 && hex.size() == 6; ++i) {
    unsigned value = 0;
    const char* begin = hex.data() + 2 * i;
    const auto [end, error] = std::from_chars(begin, begin + 2, value, 16);
    if (error != std::errc() || end != begin + 2) break;
    colour[i] = static_cast<uint8_t>(value);
    if (i == 2) return colour;
  }
  throw Error("colour '" + text + "' is not RRGGBB hex");
}

}  // namespace aegan::app
