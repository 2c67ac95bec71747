#pragma once
#include <string>
#include <vector>

#include "engine/error.hpp"

// The named presets of a model, each a struct with a `name`.
namespace aegan {

// The preset called `name`; an unknown name is an aegan::Error naming `model` and listing the
// known ones.
template <class Preset>
const Preset& find_preset(const std::vector<Preset>& presets, const std::string& name,
                          const std::string& model) {
  std::string known;
  for (const Preset& preset : presets) {
    if (preset.name == name) return preset;
    known += (known.empty() ? "" : ", ") + preset.name;
  }
  throw Error("unknown " + model + " preset '" + name + "' (known: " + known + ")");
}

template <class Preset>
std::vector<std::string> preset_names_of(const std::vector<Preset>& presets) {
  std::vector<std::string> names;
  for (const Preset& preset : presets)
    names.push_back(preset.name);
  return names;
}

}  // namespace aegan
