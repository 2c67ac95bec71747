#pragma once
#include <string>

namespace aegan {

// The numbers that size every network of a model (see docs/models/aegan.md, "Sizes and presets").
struct Preset {
  std::string name;
  int r;   // image size
  int es;  // embedding spatial size
  int ec;  // embedding channels, also the width of H and F
  int w;   // base width of G_E, D_E, phi and D_R
  int nz;  // latent size
};

// "paper512" (the paper's model) or "tiny64" (for CPU runs and tests); anything else is an Error.
Preset preset_by_name(const std::string& name);

}  // namespace aegan
