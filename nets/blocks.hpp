#pragma once
#include <memory>
#include <string>

#include "nets/layers.hpp"
#include "nets/module.hpp"

// Pieces that the networks of more than one model are built from (docs/models/aegan.md,
// docs/models/dcgan.md).
namespace aegan::nn {

bool power_of_two(int value);
// log2 of a power of two.
int log2_of(int value);
// A layer's name in the checkpoint names: indexed("up", 3) is "up3".
std::string indexed(const char* kind, int index);

void add_stage(Sequential& net, std::string layer, const StageSpec& spec);
// A discriminator's logit, Conv(channels -> 1, 4, 1, 0) without BN or activation, named "head"
// with no stage around it: its weight is "<net>.head.weight".
void add_head(Sequential& net, int channels);

// Channels of a feature map of spatial size s: w * clamp(32 / s, 1, 8), i.e. 8w at 4, 4w at 8,
// 2w at 16 and w from 32 up (docs/models/dcgan.md).
int feature_width(int w, int s);

// docs/models/aegan.md's D_R, which is also docs/models/dcgan.md's DCGAN discriminator: n =
// log2(r/4) layers "down0" ... Conv(4, 2, 1) + LReLU, BN on all but down0, feature_width channels
// (docs/models/aegan.md words it as "w, except the last three layers, which have 2w, 4w, 8w": the
// same numbers), then the head. r a power of two >= 64.
std::unique_ptr<Sequential> image_discriminator(int r, int w);

}  // namespace aegan::nn
