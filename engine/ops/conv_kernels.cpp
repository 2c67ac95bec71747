#include "engine/ops/conv_kernels.hpp"

#include <algorithm>
#include <cstdlib>

#include "engine/ops/launch.hpp"
#include "shaders.hpp"

namespace aegan::ops::conv {
namespace {

struct DataPush {
  VkDeviceAddress x;
  VkDeviceAddress weight;
  VkDeviceAddress bias;
  VkDeviceAddress y;
  uint32_t batch, in_channels, in_h, in_w;
  uint32_t out_channels, out_h, out_w;
  uint32_t k, stride, pad, has_bias, column_groups;
};

struct WeightPush {
  VkDeviceAddress g;
  VkDeviceAddress s;
  VkDeviceAddress dw;
  uint32_t batch, g_channels, g_h, g_w;
  uint32_t s_channels, s_h, s_w;
  uint32_t k, stride, pad, rows_per_chunk, chunks;
};

struct ReducePush {
  VkDeviceAddress partial;
  VkDeviceAddress dw;
  uint32_t count;
  uint32_t chunks;
};

// Products one weight-gradient invocation sums before its partial sum is written out: bounds the
// length of each dispatch's longest invocation (long dispatches can trip GPU watchdogs) while
// keeping the partial buffer small. Depends only on the shape, so results do not vary by device.
constexpr int64_t kProductsPerChunk = 4096;
constexpr int64_t kMaxPartialFloats = int64_t{1} << 24;

uint32_t u32(int64_t value) {
  if (value < 0 || value > int64_t{UINT32_MAX}) throw Error("convolution too large for one kernel");
  return static_cast<uint32_t>(value);
}

uint64_t blocks(int64_t n, uint32_t block) {
  return (static_cast<uint64_t>(n) + block - 1) / block;
}

// Every output element of `problem` computed by one invocation of BLOCK output channels times
// PIXELS output columns (specialization constants 1 and 2).
Tensor run_data(const DataProblem& problem, uint32_t block, uint32_t pixels) {
  const Tensor& x = problem.x;
  const int64_t out_c = problem.out_channels();
  Tensor y = Tensor::empty({x.dim(0), out_c, problem.out_h, problem.out_w});
  u32(x.numel());
  u32(y.numel());
  u32(problem.weight.numel());
  const uint32_t stride = u32(problem.stride);
  // Transposed: the columns of one invocation share a phase (ow mod stride), hence kernel taps.
  const uint64_t column_groups =
      problem.transposed
          ? stride * blocks(static_cast<int64_t>(blocks(problem.out_w, stride)), pixels)
          : blocks(problem.out_w, pixels);
  const bool has_bias = problem.bias.defined();
  DataPush push{x.address(),
                problem.weight.address(),
                has_bias ? problem.bias.address() : x.address(),
                y.address(),
                u32(x.dim(0)),
                u32(x.dim(1)),
                u32(x.dim(2)),
                u32(x.dim(3)),
                u32(out_c),
                u32(problem.out_h),
                u32(problem.out_w),
                u32(problem.k()),
                stride,
                u32(problem.pad),
                has_bias ? 1u : 0u,
                u32(static_cast<int64_t>(column_groups))};
  const uint64_t invocations = static_cast<uint64_t>(x.dim(0)) * blocks(out_c, block) *
                               static_cast<uint64_t>(problem.out_h) * column_groups;
  const uint32_t size = Runtime::get().workgroup_size();
  launch(problem.transposed ? shaders::conv_transposed : shaders::conv_forward,
         {size, block, pixels}, grid_1d(invocations, size), push,
         {x.reads(), problem.weight.reads(), (has_bias ? problem.bias : x).reads(), y.writes()});
  return y;
}

// Every weight gradient element summed by one invocation per BLOCK channels of s and per chunk of
// rows (n, i) of g; chunks are then added in ascending order.
Tensor run_weight(const WeightProblem& problem, uint32_t block) {
  const Tensor& g = problem.g;
  const Tensor& s = problem.s;
  Tensor dw = Tensor::empty({g.dim(1), s.dim(1), problem.k, problem.k});
  const int64_t count = dw.numel();
  const int64_t rows = g.dim(0) * g.dim(2);
  int64_t rows_per_chunk = std::max<int64_t>(1, kProductsPerChunk / std::max<int64_t>(g.dim(3), 1));
  int64_t chunks = (rows + rows_per_chunk - 1) / rows_per_chunk;
  if (chunks > 1 && chunks * count > kMaxPartialFloats) {
    chunks = std::max<int64_t>(1, kMaxPartialFloats / count);
    rows_per_chunk = (rows + chunks - 1) / chunks;
    chunks = (rows + rows_per_chunk - 1) / rows_per_chunk;
  }
  Tensor out = chunks > 1 ? Tensor::empty({chunks * count}) : dw;
  u32(g.numel());
  u32(s.numel());
  u32(out.numel());
  WeightPush push{g.address(),      s.address(),         out.address(),  u32(g.dim(0)),
                  u32(g.dim(1)),    u32(g.dim(2)),       u32(g.dim(3)),  u32(s.dim(1)),
                  u32(s.dim(2)),    u32(s.dim(3)),       u32(problem.k), u32(problem.stride),
                  u32(problem.pad), u32(rows_per_chunk), u32(chunks)};
  const uint64_t invocations = static_cast<uint64_t>(chunks * g.dim(1)) * blocks(s.dim(1), block) *
                               static_cast<uint64_t>(problem.k * problem.k);
  const uint32_t size = Runtime::get().workgroup_size();
  launch(shaders::conv_weight_grad, {size, block, 1}, grid_1d(invocations, size), push,
         {g.reads(), s.reads(), out.writes()});
  if (chunks > 1) {
    ReducePush reduce{out.address(), dw.address(), u32(count), u32(chunks)};
    launch_1d(shaders::conv_weight_grad_reduce, static_cast<uint64_t>(count), reduce,
              {out.reads(), dw.writes()});
  }
  return dw;
}

template <class Problem>
bool always(const vk::DeviceInfo&, const Problem&) {
  return true;
}

// Blocking over channels wastes most of each block when there are only a few (heads, RGB).
bool enough_out_channels(const vk::DeviceInfo&, const DataProblem& problem) {
  return problem.out_channels() >= 4;
}
bool enough_s_channels(const vk::DeviceInfo&, const WeightProblem& problem) {
  return problem.s.dim(1) >= 4;
}

std::string& forced() {
  static std::string name = [] {
    const char* value = std::getenv("AEGAN_VK_CONV_VARIANT");
    return std::string(value ? value : "");
  }();
  return name;
}

template <class Problem>
Tensor choose_and_run(const std::vector<Kernel<Problem>>& table, const Problem& problem) {
  const vk::DeviceInfo& device = Runtime::get().device();
  for (const auto& kernel : table) {
    if (forced() == kernel.name && kernel.supports(device, problem)) return kernel.run(problem);
  }
  for (const auto& kernel : table) {
    if (kernel.supports(device, problem) && kernel.suits(device, problem)) {
      return kernel.run(problem);
    }
  }
  throw Error("no convolution kernel supports this device and shape");
}

}  // namespace

const std::vector<Kernel<DataProblem>>& data_kernels() {
  static const std::vector<Kernel<DataProblem>> table{
      {"blocked", always<DataProblem>, enough_out_channels,
       [](const DataProblem& p) { return run_data(p, 4, 4); }},
      {"direct", always<DataProblem>, always<DataProblem>,
       [](const DataProblem& p) { return run_data(p, 1, 1); }},
  };
  return table;
}

const std::vector<Kernel<WeightProblem>>& weight_kernels() {
  static const std::vector<Kernel<WeightProblem>> table{
      {"blocked", always<WeightProblem>, enough_s_channels,
       [](const WeightProblem& p) { return run_weight(p, 4); }},
      {"direct", always<WeightProblem>, always<WeightProblem>,
       [](const WeightProblem& p) { return run_weight(p, 1); }},
  };
  return table;
}

Tensor run(const DataProblem& problem) {
  return choose_and_run(data_kernels(), problem);
}

Tensor run(const WeightProblem& problem) {
  return choose_and_run(weight_kernels(), problem);
}

void force_variant(const std::string& name) {
  forced() = name;
}

std::vector<std::string> variant_names() {
  std::vector<std::string> names;
  auto add = [&](const char* name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.emplace_back(name);
  };
  for (const auto& kernel : data_kernels())
    add(kernel.name);
  for (const auto& kernel : weight_kernels())
    add(kernel.name);
  return names;
}

}  // namespace aegan::ops::conv
