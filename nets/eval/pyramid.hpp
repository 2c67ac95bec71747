#pragma once
#include <vector>

namespace aegan::eval {

// The Laplacian pyramid of a planar image (`channels` planes of size x size, size even down to the
// last level) with Burt and Adelson's 5-tap binomial filter [1 4 6 4 1] / 16 and mirrored
// borders: level 0 is full size, each next level half the size; every level but the last holds
// the detail lost by halving (G_i - expand(G_i+1)), the last is the blurred image itself (G_last).
std::vector<std::vector<float>> laplacian_pyramid(const float* image, int channels, int size,
                                                  int levels);

}  // namespace aegan::eval
