#include "bench/conv_bench.hpp"

#include <algorithm>
#include <chrono>
#include <random>

#include "engine/ops/conv_kernels.hpp"
#include "engine/runtime.hpp"

namespace aegan::bench {
namespace {

Tensor random_tensor(const Shape& shape, std::mt19937& rng) {
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> values(static_cast<size_t>(numel(shape)));
  for (float& v : values)
    v = uniform(rng);
  return Tensor::from_host(shape, values);
}

// The kernel conv::run() would use for `variant` (its automatic rule for ""), or null where the
// table and its experiments have no such kernel for this device and shape: a bench must not
// silently time another.
template <class Problem>
const ops::conv::Kernel<Problem>* pick(const std::vector<ops::conv::Kernel<Problem>>& table,
                                       const std::vector<ops::conv::Kernel<Problem>>& experiments,
                                       const Problem& problem, const std::string& variant) {
  const vk::DeviceInfo& device = Runtime::get().device();
  for (const auto& kernel : table) {
    if (!kernel.supports(device, problem)) continue;
    if (variant.empty() ? kernel.suits(device, problem) : variant == kernel.name) return &kernel;
  }
  for (const auto& kernel : experiments) {
    if (variant == kernel.name && kernel.supports(device, problem)) return &kernel;
  }
  return nullptr;
}

// Tensors of one shape, shared by all its passes and variants.
struct Operands {
  Tensor x, weight, bias, grad_y;
};

Operands make_operands(const ConvShape& s, int batch, std::mt19937& rng) {
  const Shape weight =
      s.transposed ? Shape{s.cin, s.cout, s.k, s.k} : Shape{s.cout, s.cin, s.k, s.k};
  return {random_tensor({batch, s.cin, s.in_size, s.in_size}, rng), random_tensor(weight, rng),
          s.bias ? random_tensor({s.cout}, rng) : Tensor(),
          random_tensor({batch, s.cout, s.out_size, s.out_size}, rng)};
}

template <class Problem>
void measure(const std::vector<ops::conv::Kernel<Problem>>& table,
             const std::vector<ops::conv::Kernel<Problem>>& experiments, const Problem& problem,
             ConvMeasurement m, const Repetitions& repetitions, std::vector<ConvMeasurement>& out) {
  const auto* kernel = pick(table, experiments, problem, m.variant);
  if (!kernel) return;
  m.kernel = kernel->name;
  m.timing = time_repetitions([&] { kernel->run(problem); }, repetitions);
  out.push_back(std::move(m));
}

void bench_shape(const ConvShape& s, size_t index, const ConvBenchOptions& options,
                 const Operands& t, std::vector<ConvMeasurement>& out) {
  namespace conv = ops::conv;
  const conv::DataProblem forward{s.transposed, t.x,   t.weight,   t.bias,
                                  s.stride,     s.pad, s.out_size, s.out_size};
  // The input gradient is the data kernel of the opposite direction, as conv.cpp's backward.
  conv::DataProblem backward_data{!s.transposed, t.grad_y, t.weight,  Tensor(),
                                  s.stride,      s.pad,    s.in_size, s.in_size};
  backward_data.gradient = true;
  const conv::WeightProblem backward_weight =
      s.transposed ? conv::WeightProblem{t.x, t.grad_y, s.k, s.stride, s.pad}
                   : conv::WeightProblem{t.grad_y, t.x, s.k, s.stride, s.pad};
  for (const std::string& variant : options.variants) {
    for (ConvPass pass : kConvPasses) {
      const ConvMeasurement m{
          index, pass, variant, "", options.batch, {}, pass_work(s, pass, options.batch)};
      if (pass == ConvPass::backward_weight) {
        measure(conv::weight_kernels(), {}, backward_weight, m, options.repetitions, out);
      } else {
        measure(conv::data_kernels(), conv::experimental_data_kernels(),
                pass == ConvPass::forward ? forward : backward_data, m, options.repetitions, out);
      }
    }
  }
}

}  // namespace

const char* pass_name(ConvPass pass) {
  switch (pass) {
    case ConvPass::forward:
      return "forward";
    case ConvPass::backward_data:
      return "backward-data";
    case ConvPass::backward_weight:
      return "backward-weight";
  }
  return "?";
}

bool ConvShape::same_shape(const ConvShape& o) const {
  return transposed == o.transposed && cin == o.cin && cout == o.cout && k == o.k &&
         stride == o.stride && pad == o.pad && in_size == o.in_size && bias == o.bias;
}

std::string ConvShape::describe() const {
  return std::string(transposed ? "convT " : "conv ") + std::to_string(cin) + "->" +
         std::to_string(cout) + " k" + std::to_string(k) + " s" + std::to_string(stride) + " p" +
         std::to_string(pad) + (bias ? " +b " : " ") + std::to_string(in_size) + "->" +
         std::to_string(out_size);
}

ConvShape conv_shape(const ConvLayer& layer) {
  const int padding = layer.reflect ? 0 : layer.pad;
  const int in_size = layer.reflect ? layer.in_size + 2 * layer.pad : layer.in_size;
  return {layer.transposed, layer.cin, layer.cout,       layer.k,    layer.stride,
          padding,          in_size,   layer.out_size(), layer.bias, {layer.name}};
}

std::vector<ConvShape> distinct_conv_shapes(const Preset& preset) {
  std::vector<ConvShape> shapes;
  for (const ConvLayer& layer : conv_layers(preset)) {
    ConvShape shape = conv_shape(layer);
    auto same = std::find_if(shapes.begin(), shapes.end(),
                             [&](const ConvShape& s) { return s.same_shape(shape); });
    if (same == shapes.end()) {
      shapes.push_back(std::move(shape));
    } else {
      same->layers.push_back(layer.name);
    }
  }
  return shapes;
}

std::vector<ConvShape> shapes_of_layers(const std::vector<ConvShape>& shapes,
                                        const std::vector<std::string>& names) {
  if (names.empty()) return shapes;
  std::vector<ConvShape> kept;
  for (const ConvShape& shape : shapes) {
    ConvShape selected = shape;
    std::erase_if(selected.layers, [&](const std::string& layer) {
      return std::none_of(names.begin(), names.end(), [&](const std::string& name) {
        return layer.find(name) != std::string::npos;
      });
    });
    if (!selected.layers.empty()) kept.push_back(std::move(selected));
  }
  return kept;
}

PassWork pass_work(const ConvShape& s, ConvPass pass, int batch) {
  const double n = batch;
  const double in_pixels = double{1} * s.in_size * s.in_size;
  const double out_pixels = double{1} * s.out_size * s.out_size;
  const double weights = double{1} * s.cin * s.cout * s.k * s.k;
  const double macs = n * weights * (s.transposed ? in_pixels : out_pixels);
  const double bias = pass == ConvPass::forward && s.bias ? s.cout : 0;
  const double floats = n * s.cin * in_pixels + weights + n * s.cout * out_pixels + bias;
  return {2 * macs, 4 * floats};
}

void check_variants(const std::vector<std::string>& variants) {
  const std::vector<std::string> known = ops::conv::variant_names();
  for (const std::string& variant : variants) {
    if (!variant.empty() && std::find(known.begin(), known.end(), variant) == known.end()) {
      std::string names;
      for (const auto& name : known)
        names += (names.empty() ? "" : ", ") + name;
      throw Error("unknown conv kernel variant '" + variant + "' (known: " + names + ")");
    }
  }
}

ConvBenchResult bench_conv(const std::vector<ConvShape>& shapes, const ConvBenchOptions& options) {
  check_variants(options.variants);
  std::mt19937 rng(1234);
  const auto start = std::chrono::steady_clock::now();
  ConvBenchResult result;
  for (; result.shapes_done < shapes.size(); ++result.shapes_done) {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (options.max_seconds > 0 && elapsed > options.max_seconds) break;
    if (options.progress) options.progress(result.shapes_done, shapes.size());
    const ConvShape& shape = shapes[result.shapes_done];
    bench_shape(shape, result.shapes_done, options, make_operands(shape, options.batch, rng),
                result.measurements);
  }
  return result;
}

}  // namespace aegan::bench
