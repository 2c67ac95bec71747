#include "nets/models/aegan/preset.hpp"

#include "engine/error.hpp"

namespace aegan {

Preset preset_by_name(const std::string& name) {
  if (name == "paper512") return {name, 512, 32, 64, 64, 100};
  if (name == "tiny64") return {name, 64, 16, 16, 16, 100};
  throw Error("unknown preset '" + name + "' (known: paper512, tiny64)");
}

}  // namespace aegan
