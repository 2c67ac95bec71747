// The direct family (shaders/conv.comp): the first portable kernels, `blocked` and `direct`, kept
// as the fallback of both tables.
#include <algorithm>

#include "engine/ops/conv_families.hpp"
#include "shaders.hpp"

namespace aegan::ops::conv {

// Every output element of `problem` computed by one invocation of BLOCK output channels times
// PIXELS output columns (specialization constants 1 and 2).
Tensor run_direct_data(const DataProblem& problem, uint32_t block, uint32_t pixels) {
  const Tensor& x = problem.x;
  const int64_t out_c = problem.out_channels();
  Tensor y = data_output(problem);
  const uint32_t stride = u32(problem.stride);
  // Transposed: the columns of one invocation share a phase (ow mod stride), hence kernel taps.
  const uint64_t column_groups =
      problem.transposed
          ? stride * blocks(static_cast<int64_t>(blocks(problem.out_w, stride)), pixels)
          : blocks(problem.out_w, pixels);
  const bool has_bias = problem.bias.defined();
  DirectDataPush push{x.address(),
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
Tensor run_direct_weight(const WeightProblem& problem, uint32_t block) {
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
  DirectWeightPush push{g.address(),      s.address(),         out.address(),  u32(g.dim(0)),
                        u32(g.dim(1)),    u32(g.dim(2)),       u32(g.dim(3)),  u32(s.dim(1)),
                        u32(s.dim(2)),    u32(s.dim(3)),       u32(problem.k), u32(problem.stride),
                        u32(problem.pad), u32(rows_per_chunk), u32(chunks)};
  const uint64_t invocations = static_cast<uint64_t>(chunks * g.dim(1)) * blocks(s.dim(1), block) *
                               static_cast<uint64_t>(problem.k * problem.k);
  const uint32_t size = Runtime::get().workgroup_size();
  launch(shaders::conv_weight_grad, {size, block, 1}, grid_1d(invocations, size), push,
         {g.reads(), s.reads(), out.writes()});
  if (chunks > 1) sum_chunks(out, dw, count, chunks);
  return dw;
}

}  // namespace aegan::ops::conv
