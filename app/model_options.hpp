#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "nets/model_sizes.hpp"

namespace CLI {
class App;
}

namespace aegan::app {

// --model and --preset with optional overrides of its sizes (a custom model).
struct ModelFlags {
  std::string model = "aegan";
  std::string preset;                // empty: the model's default preset
  std::map<std::string, int> sizes;  // --r, --w, ... by size name; 0: the preset's value

  // The sizes of the named preset with the overrides; a size the model does not have is an
  // aegan::Error.
  ModelSizes resolve() const;
};

void add_model_options(CLI::App& command, ModelFlags& flags);

// "RRGGBB" (hex, optional leading '#') to bytes; anything else is an aegan::Error.
std::array<uint8_t, 3> parse_colour(const std::string& text);

}  // namespace aegan::app
