// Every kernel variant of the convolution table on the layer shapes of a preset's networks, the
// shapes training runs; with the engine's conv op tests (tests/engine/ops/test_conv.cpp), but here
// because the layer list comes from the nets library.
#include <gtest/gtest.h>

#include <vector>

#include "nets/conv_layers.hpp"
#include "tests/engine/ops/conv_check.hpp"

namespace aegan {
namespace {

using namespace test;

// scripts/test.sh runs this suite at lavapipe's other subgroup sizes with the engine's tests.
class Tiny64ConvLayers : public ConvVariant {};

INSTANTIATE_TEST_SUITE_P(Kernels, Tiny64ConvLayers, testing::ValuesIn(ops::conv::variant_names()),
                         variant_name);

// Every Conv and ConvT of the six networks of the tiny64 preset: batch 2, or 1 where the input
// is 32x32 or larger (those dominate the time on a CPU device).
TEST_P(Tiny64ConvLayers, MatchTheReference) {
  static const auto cases = [] {
    std::vector<ConvCase> list;
    for (const ConvLayer& layer : conv_layers(preset_by_name("tiny64"))) {
      list.push_back({layer.in_size >= 32 ? 1 : 2, layer.cin, layer.in_size, layer.in_size,
                      layer.cout, layer.k, layer.stride, layer.pad, layer.bias, layer.transposed,
                      layer.reflect, 0});
    }
    return with_references(list, 300);
  }();
  for (const auto& [c, e] : cases)
    check(c, e, rounding());
}

}  // namespace
}  // namespace aegan
