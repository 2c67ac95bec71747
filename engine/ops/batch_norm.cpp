#include <algorithm>
#include <bit>
#include <cstdint>
#include <string>

#include "engine/autograd.hpp"
#include "engine/ops.hpp"
#include "engine/ops/launch.hpp"
#include "shaders.hpp"

namespace aegan::ops {
namespace {

thread_local BatchNormSync* current_sync = nullptr;

// The partials of the whole batch where the thread's batch is part of one, else `partials`.
Tensor whole_batch(const Tensor& partials, uint32_t& parts) {
  parts = current_sync ? static_cast<uint32_t>(current_sync->parts()) : 1;
  if (parts == 1) return partials;
  const Tensor all = current_sync->gather(partials);
  const Shape want{partials.dim(0), partials.dim(1) * parts, 2};
  if (all.shape() != want) {
    throw Error("internal: batch norm sync gave partials " + to_string(all.shape()) + " for " +
                to_string(want));
  }
  return all;
}

struct BatchNormPush {
  VkDeviceAddress x;
  VkDeviceAddress coef;
  VkDeviceAddress mean;
  VkDeviceAddress invstd;
  VkDeviceAddress gamma;
  VkDeviceAddress beta;
  VkDeviceAddress out0;
  VkDeviceAddress out1;
  VkDeviceAddress running_mean;
  VkDeviceAddress running_var;
  uint32_t channels;
  uint32_t inner;
  uint32_t count;
  uint32_t chunk;
  uint32_t chunks;
  float eps;
  float momentum;
  uint32_t parts;  // train_stats, grad_sums_dx: partials of this many parts of the batch
};

// The chunk_stats and chunk_grad kernels' push constants.
struct ChunkPush {
  VkDeviceAddress x;
  VkDeviceAddress dy;
  VkDeviceAddress y;  // chunk_grad: the fused activation's output
  VkDeviceAddress mean;
  VkDeviceAddress invstd;
  VkDeviceAddress out;
  uint32_t channels;
  uint32_t inner;
  uint32_t count;
  uint32_t chunk;
  uint32_t chunks;
};

// Mirrors the affine variant's push constants: out = k0 * (u - k1) + k2 * v + k3, k = coef[c].
struct AffinePush {
  VkDeviceAddress u;
  VkDeviceAddress v;
  VkDeviceAddress coef;
  VkDeviceAddress w;  // gated passes: the fused activation's output
  VkDeviceAddress out;
  uint32_t channels;
  uint32_t inner;
  uint32_t planes;
};

// The activation fused after batch norm in training (batch_norm2d_activation), as the kernels'
// specialization constants ACT and SLOPE.
struct Fused {
  Activation activation = Activation::none;
  float slope = 0.0f;

  uint32_t act() const { return static_cast<uint32_t>(activation); }
  uint32_t slope_bits() const { return std::bit_cast<uint32_t>(slope); }
};

// Per-channel reductions split each channel's M values into at most kMaxChunks chunks of at least
// kValuesPerInvocation values per invocation, so large channels still spread over many workgroups.
constexpr uint32_t kValuesPerInvocation = 16;
constexpr uint32_t kMaxChunks = 1024;

struct Layout {
  uint32_t channels = 0;
  uint32_t inner = 0;
  uint32_t count = 0;  // values per channel
  uint32_t chunk = 0;
  uint32_t chunks = 0;
  // Of the chunk reductions: small channels (small images, batch 1) get small workgroups, not
  // hundreds of idle invocations waiting at every step of the tree.
  uint32_t workgroup = 0;
};

Layout layout_of(const Tensor& x, const char* op) {
  if (x.numel() == 0 || x.numel() > UINT32_MAX) {
    throw Error(std::string(op) + ": unsupported input size " + to_string(x.shape()));
  }
  Layout l;
  l.channels = static_cast<uint32_t>(x.dim(1));
  l.inner = static_cast<uint32_t>(x.dim(2) * x.dim(3));
  l.count = static_cast<uint32_t>(x.dim(0)) * l.inner;
  const uint32_t base = Runtime::get().workgroup_size() * kValuesPerInvocation;
  // Whole vec4s per chunk, so that the chunk kernels can read four values at a time.
  l.chunk = (std::max(base, (l.count + kMaxChunks - 1) / kMaxChunks) + 3) / 4 * 4;
  l.chunks = std::max<uint32_t>(1, (l.count + l.chunk - 1) / l.chunk);
  const uint32_t per_chunk = std::min(l.count, l.chunk);
  l.workgroup =
      std::min(Runtime::get().workgroup_size(),
               std::bit_ceil((per_chunk + kValuesPerInvocation - 1) / kValuesPerInvocation));
  if (l.channels > Runtime::get().device().max_workgroup_count[1]) {
    throw Error(std::string(op) + ": too many channels for this device");
  }
  return l;
}

// Every pointer starts valid (x's address) so that fields a variant ignores are harmless.
BatchNormPush push_for(const Tensor& x, const Layout& l, float eps, float momentum) {
  const VkDeviceAddress a = x.address();
  return {a, a,          a,       a,       a,       a,        a,   a,        a,
          a, l.channels, l.inner, l.count, l.chunk, l.chunks, eps, momentum, 1};
}

struct Stats {
  Tensor mean;
  Tensor invstd;
  Tensor coef;  // the normalising pass's coefficients [C, 4] (see affine())
};

// Statistics for the per-channel kernels to fill, with gamma and beta as the coefficients need.
Stats stats_push(BatchNormPush& push, int64_t channels, const Tensor& gamma, const Tensor& beta) {
  Stats s{Tensor::empty({channels}), Tensor::empty({channels}), Tensor::empty({channels, 4})};
  push.out0 = s.mean.address();
  push.out1 = s.invstd.address();
  push.coef = s.coef.address();
  push.gamma = gamma.address();
  push.beta = beta.address();
  return s;
}

// Mean and invstd are set by the caller where the kernel reads them (chunk_grad).
ChunkPush chunk_push(const Tensor& x, const Tensor& dy, const Tensor& y, const Tensor& out,
                     const Layout& l) {
  const VkDeviceAddress a = x.address();
  return {a,          dy.address(), y.address(), a,       a,       out.address(),
          l.channels, l.inner,      l.count,     l.chunk, l.chunks};
}

// Batch mean and 1/sqrt(biased variance + eps); updates the running statistics in place.
Stats batch_stats(const Tensor& x, const Layout& l, const Tensor& gamma, const Tensor& beta,
                  const Tensor& running_mean, const Tensor& running_var, float eps,
                  float momentum) {
  Tensor partials = Tensor::empty({int64_t{l.channels}, int64_t{l.chunks}, 2});
  const ChunkPush chunk = chunk_push(x, x, x, partials, l);
  const bool quads = whole_vec4s(l.inner, {&x});  // chunks always hold whole vec4s
  launch_reading(shaders::batch_norm_chunk_stats, {l.workgroup, quads ? 1u : 0u},
                 {l.chunks, l.channels, 1}, chunk, {{&ChunkPush::x, {&x, quads}}},
                 {x.reads(), partials.writes()});
  BatchNormPush push = push_for(x, l, eps, momentum);
  const Stats s = stats_push(push, l.channels, gamma, beta);
  const Tensor all = whole_batch(partials, push.parts);
  push.x = all.address();
  push.running_mean = running_mean.address();
  push.running_var = running_var.address();
  launch_1d(shaders::batch_norm_train_stats, l.channels, push,
            {all.reads(), gamma.reads(), beta.reads(), s.mean.writes(), s.invstd.writes(),
             s.coef.writes(), running_mean.writes(), running_var.writes()});
  return s;
}

Stats running_stats(const Tensor& x, const Layout& l, const Tensor& gamma, const Tensor& beta,
                    const Tensor& running_mean, const Tensor& running_var, float eps) {
  BatchNormPush push = push_for(x, l, eps, 0.0f);
  const Stats s = stats_push(push, l.channels, gamma, beta);
  push.running_mean = running_mean.address();
  push.running_var = running_var.address();
  launch_1d(shaders::batch_norm_eval_stats, l.channels, push,
            {running_mean.reads(), running_var.reads(), gamma.reads(), beta.reads(),
             s.mean.writes(), s.invstd.writes(), s.coef.writes()});
  return s;
}

// out = k0 * (u - k1) + k2 * v + k3 elementwise, k = coef[channel]; four pixels per invocation
// (affine4) where planes hold whole, 16-byte aligned vec4s. With a fused activation: applied to
// out, or with `gate` (the activation's output), its derivative multiplies v.
Tensor affine(const Tensor& u, const Tensor& v, const Tensor& coef, const Layout& l,
              const Fused& fused = {}, const Tensor* gate = nullptr) {
  Tensor out = Tensor::empty(u.shape());
  const uint32_t planes = static_cast<uint32_t>(u.dim(0)) * l.channels;
  const Tensor& w = gate ? *gate : u;  // read only when gated
  AffinePush push{u.address(),   v.address(), coef.address(), w.address(),
                  out.address(), l.channels,  l.inner,        planes};
  const bool quads = whole_vec4s(l.inner, {&u, &v, &w, &out});
  const uint32_t per_plane = quads ? l.inner / 4 : l.inner;
  // Planes of one value (batch_norm1d) would each take a workgroup of one invocation: then the
  // invocations run over the whole tensor.
  const bool one_per_plane = l.inner == 1;
  const uint32_t size = std::min(Runtime::get().workgroup_size(),
                                 one_per_plane ? std::bit_ceil(planes) : std::bit_ceil(per_plane));
  const vk::DeviceInfo& device = Runtime::get().device();
  const uint32_t rows = std::min(planes, device.max_workgroup_count[1]);
  const vk::Groups groups =
      one_per_plane ? grid_1d(planes, size)
                    : vk::Groups{(per_plane + size - 1) / size, rows, (planes + rows - 1) / rows};
  if (groups.x > device.max_workgroup_count[0] || groups.y > device.max_workgroup_count[1] ||
      groups.z > device.max_workgroup_count[2]) {
    throw Error("batch norm: input " + to_string(u.shape()) + " too large for this device");
  }
  launch_reading(
      quads ? shaders::batch_norm_affine4 : shaders::batch_norm_affine,
      {size, 0, fused.act(), fused.slope_bits(), gate ? 1u : 0u, one_per_plane ? 1u : 0u}, groups,
      push,
      {{&AffinePush::u, {&u, quads}},
       {&AffinePush::v, {&v, quads}},
       {&AffinePush::coef, {&coef, true}},
       {&AffinePush::w, {&w, quads}}},
      {u.reads(), v.reads(), coef.reads(), w.reads(), out.writes()});
  return out;
}

struct Saved {
  Tensor x;
  Tensor gamma;
  Stats stats;
  Layout layout;
  bool training;
  uint32_t parts;  // of the batch normalised over (BatchNormSync)
  bool x_grad, gamma_grad, beta_grad;
  Fused fused;
  Tensor y;  // with a fused activation: its output, whose derivative gates dy
};

// Gradients of x, gamma and beta (undefined where not needed).
std::vector<Tensor> backward(const Saved& s, const Tensor& dy) {
  const Layout& l = s.layout;
  const Tensor* gate = s.y.defined() ? &s.y : nullptr;
  BatchNormPush push = push_for(s.x, l, 0.0f, 0.0f);
  const Tensor coef = s.x_grad ? Tensor::empty({int64_t{l.channels}, 4}) : Tensor();
  if (coef.defined()) push.coef = coef.address();
  push.mean = s.stats.mean.address();
  push.invstd = s.stats.invstd.address();
  push.gamma = s.gamma.address();
  Tensor dgamma, dbeta;
  if (s.gamma_grad || s.beta_grad || (s.training && s.x_grad)) {
    Tensor partials = Tensor::empty({int64_t{l.channels}, int64_t{l.chunks}, 2});
    const Tensor& y = gate ? *gate : s.x;  // read only when gated
    ChunkPush chunk = chunk_push(s.x, dy, y, partials, l);
    chunk.mean = s.stats.mean.address();
    chunk.invstd = s.stats.invstd.address();
    const bool quads = whole_vec4s(l.inner, {&s.x, &dy, &y});
    launch_reading(shaders::batch_norm_chunk_grad,
                   {l.workgroup, quads ? 1u : 0u, s.fused.act(), s.fused.slope_bits()},
                   {l.chunks, l.channels, 1}, chunk,
                   {{&ChunkPush::x, {&s.x, quads}},
                    {&ChunkPush::dy, {&dy, quads}},
                    {&ChunkPush::y, {&y, quads}}},
                   {s.x.reads(), dy.reads(), y.reads(), s.stats.mean.reads(),
                    s.stats.invstd.reads(), partials.writes()});
    dgamma = Tensor::empty({int64_t{l.channels}});
    dbeta = Tensor::empty({int64_t{l.channels}});
    push.x = partials.address();
    push.out0 = dgamma.address();
    push.out1 = dbeta.address();
    // In training the input gradient's coefficients come from the sums, in the same dispatch;
    // over a batch in parts, from the whole batch's sums, while this part's weight and bias
    // gradients come from its own.
    if (s.training && s.x_grad && s.parts > 1) {
      launch_1d(shaders::batch_norm_grad_sums, l.channels, push,
                {partials.reads(), dgamma.writes(), dbeta.writes()});
      uint32_t parts = 0;
      const Tensor all = whole_batch(partials, parts);
      if (parts != s.parts) throw Error("internal: batch norm sync changed between passes");
      const Tensor whole_dgamma = Tensor::empty({int64_t{l.channels}});
      const Tensor whole_dbeta = Tensor::empty({int64_t{l.channels}});
      BatchNormPush whole = push;
      whole.x = all.address();
      whole.out0 = whole_dgamma.address();
      whole.out1 = whole_dbeta.address();
      whole.parts = parts;
      launch_1d(shaders::batch_norm_grad_sums_dx, l.channels, whole,
                {all.reads(), s.stats.mean.reads(), s.stats.invstd.reads(), s.gamma.reads(),
                 whole_dgamma.writes(), whole_dbeta.writes(), coef.writes()});
    } else if (s.training && s.x_grad) {
      launch_1d(shaders::batch_norm_grad_sums_dx, l.channels, push,
                {partials.reads(), s.stats.mean.reads(), s.stats.invstd.reads(), s.gamma.reads(),
                 dgamma.writes(), dbeta.writes(), coef.writes()});
    } else {
      launch_1d(shaders::batch_norm_grad_sums, l.channels, push,
                {partials.reads(), dgamma.writes(), dbeta.writes()});
    }
  }
  Tensor dx;
  if (s.x_grad && s.training) {
    dx = affine(s.x, dy, coef, l, s.fused, gate);
  } else if (s.x_grad) {
    launch_1d(shaders::batch_norm_coef_dx_eval, l.channels, push,
              {s.stats.invstd.reads(), s.gamma.reads(), coef.writes()});
    dx = affine(dy, dy, coef, l);
  }
  return {dx, s.gamma_grad ? dgamma : Tensor(), s.beta_grad ? dbeta : Tensor()};
}

// `rank` is the op's: 4 for batch_norm2d, 2 for batch_norm1d.
void check_inputs(const char* op, size_t rank, const Tensor& x, const Tensor& weight,
                  const Tensor& bias, const Tensor& running_mean, const Tensor& running_var) {
  if (!x.defined() || x.rank() != rank) {
    throw Error(std::string(op) + " needs " + (rank == 4 ? "an [N, C, H, W]" : "an [N, C]") +
                " input, got " + (x.defined() ? to_string(x.shape()) : std::string("none")));
  }
  const Shape channels{x.dim(1)};
  for (const Tensor* t : {&weight, &bias, &running_mean, &running_var}) {
    if (!t->defined() || t->shape() != channels) {
      throw Error(std::string(op) + ": weight, bias and running statistics must have shape " +
                  to_string(channels) + " for input " + to_string(x.shape()));
    }
  }
}

// batch_norm2d() of x [N, C, H, W], with `fused` applied to its output in the same pass; `op` and
// `shape` (x's or a view of x's) name what the caller's errors report.
Tensor normalize(const char* op, const Shape& shape, const Tensor& x, const Tensor& weight,
                 const Tensor& bias, const Tensor& running_mean, const Tensor& running_var,
                 bool training, float momentum, float eps, const Fused& fused) {
  const Layout l = layout_of(x, op);
  // Over a batch in parts (BatchNormSync) the values of every part count.
  const uint32_t parts = training && current_sync ? current_sync->parts() : 1;
  if (training && uint64_t{l.count} * parts < 2) {
    throw Error(std::string(op) + " in training needs more than one value per channel, got input " +
                to_string(shape));
  }
  Stats stats = training ? batch_stats(x, l, weight, bias, running_mean, running_var, eps, momentum)
                         : running_stats(x, l, weight, bias, running_mean, running_var, eps);
  Tensor y = affine(x, x, stats.coef, l, fused);
  if (needs_grad({&x, &weight, &bias})) {
    Saved saved{x.detach(),
                weight.detach(),
                stats,
                l,
                training,
                parts,
                x.requires_grad(),
                weight.requires_grad(),
                bias.requires_grad(),
                fused,
                fused.act() != 0 ? y.detach() : Tensor()};
    record(y, fused.act() != 0 ? "batch_norm2d_activation" : "batch_norm2d", {x, weight, bias},
           [saved](const Tensor& grad) { return backward(saved, grad); });
  }
  return y;
}

}  // namespace

void set_batch_norm_sync(BatchNormSync* sync) {
  current_sync = sync;
}

Tensor batch_norm2d(const Tensor& x, const Tensor& weight, const Tensor& bias,
                    const Tensor& running_mean, const Tensor& running_var, bool training,
                    float momentum, float eps) {
  check_inputs("batch_norm2d", 4, x, weight, bias, running_mean, running_var);
  return normalize("batch_norm2d", x.shape(), x, weight, bias, running_mean, running_var, training,
                   momentum, eps, {});
}

Tensor batch_norm1d(const Tensor& x, const Tensor& weight, const Tensor& bias,
                    const Tensor& running_mean, const Tensor& running_var, bool training,
                    float momentum, float eps) {
  check_inputs("batch_norm1d", 2, x, weight, bias, running_mean, running_var);
  const Tensor planes = x.reshape({x.dim(0), x.dim(1), 1, 1});
  return normalize("batch_norm1d", x.shape(), planes, weight, bias, running_mean, running_var,
                   training, momentum, eps, {})
      .reshape(x.shape());
}

Tensor batch_norm2d_activation(const Tensor& x, const Tensor& weight, const Tensor& bias,
                               const Tensor& running_mean, const Tensor& running_var, bool training,
                               Activation activation, float leaky_slope, float momentum,
                               float eps) {
  if (training && gradient_from_output(activation, leaky_slope)) {
    check_inputs("batch_norm2d_activation", 4, x, weight, bias, running_mean, running_var);
    return normalize("batch_norm2d_activation", x.shape(), x, weight, bias, running_mean,
                     running_var, training, momentum, eps, {activation, leaky_slope});
  }
  return activate(batch_norm2d(x, weight, bias, running_mean, running_var, training, momentum, eps),
                  activation, leaky_slope);
}

}  // namespace aegan::ops
