#pragma once
// Throughput of the convolution kernels on the layer shapes of a network: each pass of each
// distinct shape, per kernel variant of engine/ops/conv_kernels.hpp, so that a new variant can be
// compared with the others on the device at hand.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bench/timing.hpp"
#include "nets/conv_layers.hpp"

namespace aegan::bench {

enum class ConvPass { forward, backward_data, backward_weight };
const char* pass_name(ConvPass pass);
constexpr ConvPass kConvPasses[] = {ConvPass::forward, ConvPass::backward_data,
                                    ConvPass::backward_weight};

// A convolution as the kernels see it: a reflection-padded layer is a zero-padding-free
// convolution of the padded input (the padding is a separate op).
struct ConvShape {
  bool transposed = false;
  int cin = 0, cout = 0, k = 0, stride = 1, pad = 0;
  int in_size = 0, out_size = 0;
  bool bias = false;
  std::vector<std::string> layers;  // every layer of the network with this shape

  bool same_shape(const ConvShape& other) const;
  std::string describe() const;  // "conv 3->16 k4 s2 p1 64->32"
};

ConvShape conv_shape(const ConvLayer& layer);
// One entry per distinct shape, in the order of first appearance in conv_layers(preset).
std::vector<ConvShape> distinct_conv_shapes(const Preset& preset);
// The shapes with a layer whose name contains one of `names` ("f.up1" selects every conv of
// f.up1), each shape keeping only those layers. Empty `names` keeps everything.
std::vector<ConvShape> shapes_of_layers(const std::vector<ConvShape>& shapes,
                                        const std::vector<std::string>& names);

// Nominal work of one pass at a batch size. Every pass does the same multiply-adds (each tap
// of every output pixel of a conv, of every input pixel of a conv transpose, padding included);
// bytes count the pass's input, weight and output tensors once each.
struct PassWork {
  double flops = 0;
  double bytes = 0;
};
PassWork pass_work(const ConvShape& shape, ConvPass pass, int batch);

struct ConvMeasurement {
  size_t shape = 0;  // index into the shapes benchmarked
  ConvPass pass = ConvPass::forward;
  std::string variant;  // as asked: a kernel name, or "" for the automatic choice
  std::string kernel;   // the kernel that ran
  int batch = 0;
  Timing timing;
  PassWork work;

  double gflops() const { return work.flops / timing.seconds * 1e-9; }
  double gbytes_per_second() const { return work.bytes / timing.seconds * 1e-9; }
};

struct ConvBenchOptions {
  int batch = 1;
  // Kernel names of conv::variant_names(), "" for the choice conv::run() makes. A pass whose
  // table lacks the name, or whose kernel does not support the device or shape, is left out.
  std::vector<std::string> variants{""};
  Repetitions repetitions;
  // No new shape is started once this much wall time has gone (0 = no limit).
  double max_seconds = 0;
  // Called before each shape with its index and the number of shapes.
  std::function<void(size_t index, size_t count)> progress;
};

struct ConvBenchResult {
  std::vector<ConvMeasurement> measurements;
  size_t shapes_done = 0;  // shapes [shapes_done, end) were skipped for max_seconds
};

// Throws aegan::Error naming the known kernels when a variant is not one of them.
void check_variants(const std::vector<std::string>& variants);

// Runs every pass of every shape on random inputs on the runtime's device.
ConvBenchResult bench_conv(const std::vector<ConvShape>& shapes, const ConvBenchOptions& options);

}  // namespace aegan::bench
