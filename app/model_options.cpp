#include "app/model_options.hpp"

#include <CLI/CLI.hpp>
#include <charconv>

#include "engine/error.hpp"

namespace aegan::app {

Preset ModelFlags::resolve() const {
  Preset p = preset_by_name(preset);
  const bool custom = r || es || ec || w || nz;
  if (r) p.r = r;
  if (es) p.es = es;
  if (ec) p.ec = ec;
  if (w) p.w = w;
  if (nz) p.nz = nz;
  if (custom) p.name = "custom";
  return p;
}

void add_model_options(CLI::App& command, ModelFlags& flags) {
  command.add_option("--preset", flags.preset, "model sizes: tiny64 or paper512")
      ->capture_default_str();
  command.add_option("--r", flags.r, "image size (overrides the preset)");
  command.add_option("--es", flags.es, "embedding size (overrides the preset)");
  command.add_option("--ec", flags.ec, "embedding channels (overrides the preset)");
  command.add_option("--w", flags.w, "base width of G_E, D_E, D_R, phi (overrides the preset)");
  command.add_option("--nz", flags.nz, "latent size (overrides the preset)");
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
