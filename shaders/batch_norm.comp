#version 460
// aegan-variants: chunk_stats train_stats eval_stats chunk_grad grad_sums grad_sums_dx coef_dx_eval affine affine4
// aegan-texel-variants: chunk_stats chunk_grad affine affine4
#extension GL_GOOGLE_include_directive : require
#include "activation.h"
#include "common.glsl"

// 2-D batch normalisation over x [N, C, H, W]; per channel the M = N*H*W values are split into
// chunks of `chunk` values (in n, then h*w order). Per-channel reductions run in two fixed-order
// stages: chunk_* kernels (one workgroup per chunk and channel, shared-memory tree) write one
// partial per chunk, then train_stats / grad_sums (one invocation per channel) combine the
// partials in chunk order. No atomics, so results are bitwise reproducible.
// Every elementwise pass is out = k0 * (u - k1) + k2 * v + k3 with per-channel coefficients
// k = coef[c]: normalising (u = v = x; from train_stats or eval_stats), the input gradient in
// training (u = x, v = dy; from grad_sums_dx) and in evaluation (u = v = dy; coef_dx_eval). The
// per-channel kernels that find the statistics also write the coefficients: a dispatch less
// each (lavapipe spends 30 to 40 us on any dispatch).
//
// An activation fused after batch norm in training (engine/ops/batch_norm.cpp): the normalising
// pass applies it to what it stores, and the backward passes multiply dy by its derivative,
// taken from the activation's output y (positive exactly where the activation's input is, for
// ReLU and leaky ReLU with a slope >= 0), as they read it. ACT: none, ReLU or leaky ReLU
// (activation.h).
layout(constant_id = 2) const uint ACT = AEGAN_ACTIVATION_NONE;
layout(constant_id = 3) const float SLOPE = 0.0;
// affine: whether v is an output gradient to gate with w = y (else ACT applies to out).
layout(constant_id = 4) const bool GATED = false;
// affine on planes of one value each (batch_norm1d's [N, C] as [N, C, 1, 1]): invocations run
// over the whole tensor instead of one workgroup of one invocation per plane.
layout(constant_id = 5) const bool ONE_PER_PLANE = false;

float activate(float v) {
  if (ACT == AEGAN_ACTIVATION_RELU) return max(v, 0.0);
  if (ACT == AEGAN_ACTIVATION_LEAKY_RELU) return v > 0.0 ? v : v * SLOPE;
  return v;
}

vec4 activate(vec4 v) {
  return vec4(activate(v.x), activate(v.y), activate(v.z), activate(v.w));
}

// dy times the activation's derivative at the input that gave output y (the same expressions as
// pointwise.comp's relu_backward and leaky_relu_backward).
vec4 gate(vec4 dy, vec4 y) {
  bvec4 positive = greaterThan(y, vec4(0.0));
  if (ACT == AEGAN_ACTIVATION_RELU) return mix(vec4(0.0), dy, positive);
  if (ACT == AEGAN_ACTIVATION_LEAKY_RELU) return mix(dy * SLOPE, dy, positive);
  return dy;
}

#if defined(VARIANT_AFFINE4)
// affine on planes whose size is a multiple of 4, four pixels per invocation.
layout(push_constant, scalar) uniform Push {
  ConstVec4s u;
  ConstVec4s v;
  ConstFloats coef;
  ConstVec4s w;
  Vec4s out0;
  uint channels;
  uint inner;
  uint planes;
} p;
#elif defined(VARIANT_AFFINE)
layout(push_constant, scalar) uniform Push {
  ConstFloats u;
  ConstFloats v;
  ConstFloats coef;  // [channels][4]; the _texel variant reads it through an RGBA32F view
  ConstFloats w;     // with GATED: the fused activation's output
  Floats out0;
  uint channels;
  uint inner;   // H*W
  uint planes;  // N*C
} p;
#elif defined(VARIANT_CHUNK_STATS) || defined(VARIANT_CHUNK_GRAD)
layout(push_constant, scalar) uniform Push {
  ConstFloats x;
  ConstFloats dy;
  ConstFloats y;       // chunk_grad with ACT: the fused activation's output
  ConstFloats mean;    // per channel, saved by the forward pass
  ConstFloats invstd;  // per channel, 1/sqrt(var + eps)
  Floats out0;         // [channels][chunks][2] partial sums
  uint channels;
  uint inner;   // H*W
  uint count;   // M = N*H*W
  uint chunk;   // values per chunk
  uint chunks;  // chunks per channel
} p;
#else
layout(push_constant, scalar) uniform Push {
  ConstFloats x;
  Floats coef;         // the affine pass's coefficients [channels][4]
  ConstFloats mean;    // per channel, saved by the forward pass
  ConstFloats invstd;  // per channel, 1/sqrt(var + eps)
  ConstFloats gamma;
  ConstFloats beta;
  Floats out0;  // the kernel's main result (see each variant)
  Floats out1;
  Floats running_mean;
  Floats running_var;
  uint channels;
  uint inner;   // H*W
  uint count;   // M = N*H*W
  uint chunk;   // values per chunk
  uint chunks;  // chunks per channel
  float eps;
  float momentum;
  uint parts;  // train_stats, grad_sums_dx: the partials are those of this many parts, each of
               // `chunks` chunks of `count` values (engine/ops.hpp's BatchNormSync)
} p;
#endif

shared vec2 partial[gl_WorkGroupSize.x];

// Sum over the workgroup in a fixed tree order; every invocation gets the total.
vec2 workgroup_sum(vec2 v) {
  uint lane = gl_LocalInvocationID.x;
  partial[lane] = v;
  barrier();
  for (uint stride = gl_WorkGroupSize.x / 2; stride > 0; stride /= 2) {
    if (lane < stride) partial[lane] += partial[lane + stride];
    barrier();
  }
  vec2 total = partial[0];
  barrier();  // partial[] may be reused right after
  return total;
}

// Walks the positions in x of values m, m + step, m + step * 2, ... of channel c without a
// division per value (integer division is slow where it runs lane by lane, as on CPUs).
struct Cursor {
  uint image;
  uint pixel;
};

Cursor cursor_at(uint m) {
  return Cursor(m / p.inner, m % p.inner);
}

uint position(Cursor cursor, uint c) {
  return (cursor.image * p.channels + c) * p.inner + cursor.pixel;
}

Cursor advance(Cursor cursor, uint step_images, uint step_pixels) {
  cursor.image += step_images;
  cursor.pixel += step_pixels;
  if (cursor.pixel >= p.inner) {
    cursor.pixel -= p.inner;
    ++cursor.image;
  }
  return cursor;
}

// Chunk kernels with QUADS (planes and chunks whole vec4s, aligned tensors) read four values per
// load; the reduction order changes with it, deterministically.
layout(constant_id = 1) const bool QUADS = false;
const uint WIDTH = QUADS ? 4 : 1;
#define LOAD_X(i) \
  (QUADS ? READ4(0, ConstVec4s(p.x), (i) / 4) : vec4(READ(0, p.x, i), 0.0, 0.0, 0.0))
#define LOAD_DY(i) \
  (QUADS ? READ4(1, ConstVec4s(p.dy), (i) / 4) : vec4(READ(1, p.dy, i), 0.0, 0.0, 0.0))
#define LOAD_Y(i) \
  (QUADS ? READ4(2, ConstVec4s(p.y), (i) / 4) : vec4(READ(2, p.y, i), 0.0, 0.0, 0.0))

#if !defined(VARIANT_CHUNK_STATS) && !defined(VARIANT_CHUNK_GRAD) && !defined(VARIANT_AFFINE) && \
    !defined(VARIANT_AFFINE4)
// The normalising pass's coefficients: y = gamma * invstd * (x - mean) + beta.
vec4 normalizing_coef(uint c, float mu, float invstd) {
  return vec4(p.gamma.v[c] * invstd, mu, 0.0, p.beta.v[c]);
}

void store_coef(uint c, vec4 k) {
  p.coef.v[4 * c] = k.x;
  p.coef.v[4 * c + 1] = k.y;
  p.coef.v[4 * c + 2] = k.z;
  p.coef.v[4 * c + 3] = k.w;
}
#endif

void main() {
#if defined(VARIANT_CHUNK_STATS) || defined(VARIANT_CHUNK_GRAD)
  uint k = gl_WorkGroupID.x;
  uint c = gl_WorkGroupID.y;
  uint lane = gl_LocalInvocationID.x;
  uint begin = k * p.chunk;
  uint end = min(begin + p.chunk, p.count);
  const uint step = gl_WorkGroupSize.x * WIDTH;
  uint step_images = step / p.inner, step_pixels = step % p.inner;
  Cursor first = cursor_at(begin + lane * WIDTH);
#if defined(VARIANT_CHUNK_STATS)
  // Mean, then the sum of squared deviations from it: two passes over the chunk (the second
  // mostly from cache) avoid the cancellation of sum(x^2) - M*mean^2.
  float s = 0.0;
  Cursor at = first;
  for (uint m = begin + lane * WIDTH; m < end; m += step) {
    s += dot(LOAD_X(position(at, c)), vec4(1.0));
    at = advance(at, step_images, step_pixels);
  }
  float chunk_mean = workgroup_sum(vec2(s, 0.0)).x / float(end - begin);
  float q = 0.0;
  at = first;
  for (uint m = begin + lane * WIDTH; m < end; m += step) {
    vec4 d = LOAD_X(position(at, c)) - chunk_mean;
    q += QUADS ? dot(d, d) : d.x * d.x;
    at = advance(at, step_images, step_pixels);
  }
  float m2 = workgroup_sum(vec2(q, 0.0)).x;
  if (lane == 0) {
    p.out0.v[2 * (c * p.chunks + k)] = chunk_mean;
    p.out0.v[2 * (c * p.chunks + k) + 1] = m2;
  }
#else
  // sum(dy) and sum(dy * xhat) of the chunk (unused components of dy are zero).
  float mu = p.mean.v[c];
  float is = p.invstd.v[c];
  vec2 acc = vec2(0.0);
  Cursor at = first;
  for (uint m = begin + lane * WIDTH; m < end; m += step) {
    uint i = position(at, c);
    vec4 g = ACT != AEGAN_ACTIVATION_NONE ? gate(LOAD_DY(i), LOAD_Y(i)) : LOAD_DY(i);
    acc += vec2(dot(g, vec4(1.0)), dot(g, (LOAD_X(i) - mu) * is));
    at = advance(at, step_images, step_pixels);
  }
  vec2 total = workgroup_sum(acc);
  if (lane == 0) {
    p.out0.v[2 * (c * p.chunks + k)] = total.x;
    p.out0.v[2 * (c * p.chunks + k) + 1] = total.y;
  }
#endif

#elif defined(VARIANT_AFFINE) || defined(VARIANT_AFFINE4)
  // Workgroups (x, y + z * y count) cover pixels x of plane (image, channel) y + z * y count, so
  // the channel is one division per workgroup instead of two per value.
  uint plane = gl_WorkGroupID.z * gl_NumWorkGroups.y + gl_WorkGroupID.y;
  uint pixel = gl_WorkGroupID.x * gl_WorkGroupSize.x + gl_LocalInvocationID.x;
  if (ONE_PER_PLANE) {
    plane = flat_index();
    pixel = 0;
  }
#if defined(VARIANT_AFFINE4)
  pixel *= 4;
#endif
  if (pixel >= p.inner || plane >= p.planes) return;
  uint c = plane % p.channels;
  uint i = plane * p.inner + pixel;
#if defined(TEXELS)
  vec4 k = texelFetch(texels2, TEXEL_OFFSET(p.coef) + int(c));
#else
  vec4 k = vec4(p.coef.v[4 * c], p.coef.v[4 * c + 1], p.coef.v[4 * c + 2], p.coef.v[4 * c + 3]);
#endif
#if defined(VARIANT_AFFINE4)
  i /= 4;
  vec4 u = READ4(0, p.u, i), v = READ4(1, p.v, i);
  if (GATED) {
    p.out0.v[i] = k.x * (u - k.y) + k.z * gate(v, READ4(3, p.w, i)) + k.w;
  } else {
    p.out0.v[i] = activate(k.x * (u - k.y) + k.z * v + k.w);
  }
#else
  float u = READ(0, p.u, i), v = READ(1, p.v, i);
  if (GATED) {
    p.out0.v[i] = k.x * (u - k.y) + k.z * gate(vec4(v), vec4(READ(3, p.w, i))).x + k.w;
  } else {
    p.out0.v[i] = activate(k.x * (u - k.y) + k.z * v + k.w);
  }
#endif

#else  // per-channel kernels
  uint c = flat_index();
  if (c >= p.channels) return;
#if defined(VARIANT_TRAIN_STATS)
  // Chan et al.'s pairwise combination of (count, mean, M2), in chunk order. x holds the partials.
  float n = 0.0, mu = 0.0, m2 = 0.0;
  uint chunks = p.chunks * p.parts;
  for (uint k = 0; k < chunks; ++k) {
    float nk = float(min(p.chunk, p.count - (k % p.chunks) * p.chunk));
    float mk = p.x.v[2 * (c * chunks + k)];
    float qk = p.x.v[2 * (c * chunks + k) + 1];
    float total = n + nk;
    float delta = mk - mu;
    mu += delta * (nk / total);
    m2 += qk + delta * delta * (n * nk / total);
    n = total;
  }
  float var_biased = m2 / n;
  float invstd = 1.0 / sqrt(var_biased + p.eps);
  p.out0.v[c] = mu;
  p.out1.v[c] = invstd;
  // PyTorch's convention: the running variance takes the unbiased estimate (count >= 2 here).
  float unbiased = m2 / (n - 1.0);
  p.running_mean.v[c] = (1.0 - p.momentum) * p.running_mean.v[c] + p.momentum * mu;
  p.running_var.v[c] = (1.0 - p.momentum) * p.running_var.v[c] + p.momentum * unbiased;
  store_coef(c, normalizing_coef(c, mu, invstd));
#elif defined(VARIANT_EVAL_STATS)
  float mu = p.running_mean.v[c];
  float invstd = 1.0 / sqrt(p.running_var.v[c] + p.eps);
  p.out0.v[c] = mu;
  p.out1.v[c] = invstd;
  store_coef(c, normalizing_coef(c, mu, invstd));
#elif defined(VARIANT_GRAD_SUMS) || defined(VARIANT_GRAD_SUMS_DX)
  // x holds the chunk partials; out0 = dgamma = sum(dy * xhat), out1 = dbeta = sum(dy).
  float s = 0.0, sx = 0.0;
  uint chunks = p.chunks * p.parts;
  for (uint k = 0; k < chunks; ++k) {
    s += p.x.v[2 * (c * chunks + k)];
    sx += p.x.v[2 * (c * chunks + k) + 1];
  }
  p.out0.v[c] = sx;
  p.out1.v[c] = s;
#if defined(VARIANT_GRAD_SUMS_DX)
  // dx = scale * (dy - dbeta / M - xhat * dgamma / M), xhat = (x - mean) * invstd.
  float invstd = p.invstd.v[c];
  float scale = p.gamma.v[c] * invstd;
  float inv_count = 1.0 / (float(p.count) * float(p.parts));
  store_coef(c, vec4(-scale * invstd * sx * inv_count, p.mean.v[c], scale, -scale * s * inv_count));
#endif
#else  // VARIANT_COEF_DX_EVAL
  store_coef(c, vec4(p.gamma.v[c] * p.invstd.v[c], 0.0, 0.0, 0.0));
#endif
#endif
}
