#version 460
// aegan-variants: mean_partials covariance_partials mean_combine covariance_combine mean_backward covariance_backward
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

// Per-image colour statistics of x [N, 3, H, W] over its H*W pixels s_p: the mean colour mu [N, 3]
// and the biased covariance [N, 3, 3], (1/HW) sum_p (s_p - mu)(s_p - mu)^T, computed around the
// mean (two passes) so that images far from black lose no digits.
// The forward pass is a two-level sum, so that a few large images still spread over the whole
// device: the _partials kernels run one workgroup (a power-of-two size) per chunk of an image's
// plane and write its sums (3 for the mean; rr, gg, bb, rg, rb, gb for the covariance), and the
// _combine kernels run one workgroup per image over its chunks' sums and write the statistics.
// Both combine their invocations by a tree in shared memory in a fixed order, so results depend
// only on the data and the workgroup sizes.
// The backward kernels run one invocation per element of x.
layout(push_constant, scalar) uniform Push {
  ConstFloats x;         // or, for the _combine kernels, the chunks' sums [N, chunks, 3 or 6]
  ConstFloats mean;      // [N, 3]: covariance and its backward
  ConstFloats grad;      // of the mean [N, 3] or of the covariance [N, 3, 3]
  Floats y;              // the chunks' sums, the statistics, or the gradient of x
  uint images;
  uint plane;            // H * W
  uint elements;         // N * 3 * H * W
  float inverse_plane;
  uint chunk;            // pixels per chunk
  uint chunks;           // chunks per image
} p;

#if defined(VARIANT_MEAN_PARTIALS) || defined(VARIANT_MEAN_COMBINE)
#define SUMS 3
#else
#define SUMS 6
#endif

shared float partial[gl_WorkGroupSize.x];

// The sum of every invocation's `value` in the workgroup, returned to every invocation.
float workgroup_sum(float value) {
  uint lane = gl_LocalInvocationID.x;
  barrier();  // the previous sum's readers are done with `partial`
  partial[lane] = value;
  barrier();
  for (uint stride = gl_WorkGroupSize.x / 2; stride > 0; stride /= 2) {
    if (lane < stride) partial[lane] += partial[lane + stride];
    barrier();
  }
  return partial[0];
}

void main() {
#if defined(VARIANT_MEAN_BACKWARD) || defined(VARIANT_COVARIANCE_BACKWARD)
  uint i = flat_index();
  if (i >= p.elements) return;
  uint image = i / (3 * p.plane), c = (i / p.plane) % 3, pixel = i % p.plane;
#if defined(VARIANT_MEAN_BACKWARD)
  p.y.v[i] = p.grad.v[image * 3 + c] * p.inverse_plane;
#else
  // dSigma / ds_p = (1/HW) (G + G^T)(s_p - mu): the path through mu adds nothing, as the centred
  // pixels sum to zero.
  float total = 0.0;
  for (uint d = 0; d < 3; ++d) {
    float centred = p.x.v[(image * 3 + d) * p.plane + pixel] - p.mean.v[image * 3 + d];
    float symmetric = p.grad.v[image * 9 + c * 3 + d] + p.grad.v[image * 9 + d * 3 + c];
    total += symmetric * centred;
  }
  p.y.v[i] = total * p.inverse_plane;
#endif
#else
  uint group = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  uint lane = gl_LocalInvocationID.x;
  float sums[SUMS];
  for (uint k = 0; k < SUMS; ++k) sums[k] = 0.0;
#if defined(VARIANT_MEAN_PARTIALS) || defined(VARIANT_COVARIANCE_PARTIALS)
  uint image = group / p.chunks;
  // grid_1d may launch a few groups past the last chunk; whole groups leave together, so the
  // barriers below are reached by all of a group or none of it.
  if (image >= p.images) return;
  uint begin = (group % p.chunks) * p.chunk, end = min(begin + p.chunk, p.plane);
  uint r = image * 3 * p.plane, g = r + p.plane, b = g + p.plane;
#if defined(VARIANT_COVARIANCE_PARTIALS)
  vec3 mu = vec3(p.mean.v[image * 3], p.mean.v[image * 3 + 1], p.mean.v[image * 3 + 2]);
#endif
  for (uint i = begin + lane; i < end; i += gl_WorkGroupSize.x) {
    vec3 s = vec3(p.x.v[r + i], p.x.v[g + i], p.x.v[b + i]);
#if defined(VARIANT_MEAN_PARTIALS)
    for (uint k = 0; k < 3; ++k) sums[k] += s[k];
#else
    vec3 d = s - mu;
    sums[0] += d.x * d.x;
    sums[1] += d.y * d.y;
    sums[2] += d.z * d.z;
    sums[3] += d.x * d.y;
    sums[4] += d.x * d.z;
    sums[5] += d.y * d.z;
#endif
  }
  for (uint k = 0; k < SUMS; ++k) {
    float sum = workgroup_sum(sums[k]);
    if (lane == 0) p.y.v[group * SUMS + k] = sum;
  }
#else
  uint image = group;
  if (image >= p.images) return;
  for (uint j = lane; j < p.chunks; j += gl_WorkGroupSize.x) {
    for (uint k = 0; k < SUMS; ++k) sums[k] += p.x.v[(image * p.chunks + j) * SUMS + k];
  }
#if defined(VARIANT_MEAN_COMBINE)
  for (uint k = 0; k < 3; ++k) {
    float sum = workgroup_sum(sums[k]);
    if (lane == 0) p.y.v[image * 3 + k] = sum * p.inverse_plane;
  }
#else
  const uvec2 entries[6] = uvec2[6](uvec2(0, 0), uvec2(1, 1), uvec2(2, 2), uvec2(0, 1),
                                    uvec2(0, 2), uvec2(1, 2));
  for (uint k = 0; k < 6; ++k) {
    float sum = workgroup_sum(sums[k]) * p.inverse_plane;
    if (lane == 0) {
      p.y.v[image * 9 + entries[k].x * 3 + entries[k].y] = sum;
      p.y.v[image * 9 + entries[k].y * 3 + entries[k].x] = sum;
    }
  }
#endif
#endif
#endif
}
