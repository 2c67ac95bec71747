#include "app/model_options.hpp"

#include <CLI/CLI.hpp>
#include <charconv>

#include "engine/error.hpp"
#include "nets/models/registry.hpp"

namespace aegan::app {

ModelSizes ModelFlags::resolve() const {
  const ModelKind& kind = model_kind(model);
  ModelSizes sizes = kind.preset(preset.empty() ? kind.default_preset : preset);
  for (const auto& [name, value] : {std::pair{"r", r},
                                    {"es", es},
                                    {"ec", ec},
                                    {"w", w},
                                    {"nz", nz},
                                    {"v", v},
                                    {"g", g},
                                    {"d", d},
                                    {"gf", gf},
                                    {"df", df},
                                    {"residuals", residuals}}) {
    if (value == 0) continue;
    if (!sizes.has(name)) {
      std::string known;
      for (const std::string& size : kind.sizes)
        known += (known.empty() ? "--" : ", --") + size;
      throw Error(std::string("--") + name + " is not a size of " + model +
                  " (its sizes: " + known + ")");
    }
    sizes.set(name, value);
    sizes.preset = "custom";
  }
  return sizes;
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
  command.add_option("--r", flags.r, "image side in pixels (overrides the preset)");
  command.add_option("--es", flags.es, "embedding size (overrides the preset)");
  command.add_option("--ec", flags.ec, "embedding channels (overrides the preset)");
  command.add_option("--w", flags.w, "base width of G_E, D_E, D_R, phi (overrides the preset)");
  command.add_option("--nz", flags.nz, "length of z (overrides the preset)");
  command.add_option("--v", flags.v, "DE-GAN: base width of the VAE (overrides the preset)");
  command.add_option("--g", flags.g, "DE-GAN: width of G, g 2^n at 4x4 (overrides the preset)");
  command.add_option("--d", flags.d, "DE-GAN: base width of D (overrides the preset)");
  command.add_option("--gf", flags.gf, "StackGAN-v2: generator width (overrides the preset)");
  command.add_option("--df", flags.df, "StackGAN-v2: discriminator width (overrides the preset)");
  command.add_option("--residuals", flags.residuals,
                     "StackGAN-v2: residual blocks of each later stage (overrides the preset)");
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
