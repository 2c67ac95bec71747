#version 460
// aegan-variants: mean covariance mean_backward covariance_backward
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

// Per-image colour statistics of x [N, 3, H, W] over its H*W pixels s_p: the mean colour mu [N, 3]
// and the biased covariance [N, 3, 3], (1/HW) sum_p (s_p - mu)(s_p - mu)^T, computed around the
// mean (two passes) so that images far from black lose no digits.
// The forward kernels run one workgroup per image (a power-of-two size): each invocation strides
// over the plane, then a tree in shared memory combines the invocations' sums in a fixed order,
// so results depend only on the data and the workgroup size, at any plane size.
// The backward kernels run one invocation per element of x.
layout(push_constant, scalar) uniform Push {
  ConstFloats x;
  ConstFloats mean;  // [N, 3]: covariance and its backward
  ConstFloats grad;  // of the mean [N, 3] or of the covariance [N, 3, 3]
  Floats y;          // mean, covariance, or the gradient of x
  uint images;
  uint plane;        // H * W
  uint elements;     // N * 3 * H * W
  float inverse_plane;
} p;

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
#if defined(VARIANT_MEAN) || defined(VARIANT_COVARIANCE)
  uint image = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  // grid_1d may launch a few groups past the last image; whole groups leave together, so the
  // barriers below are reached by all of a group or none of it.
  if (image >= p.images) return;
  uint lane = gl_LocalInvocationID.x;
  uint r = image * 3 * p.plane, g = r + p.plane, b = g + p.plane;
#endif
#if defined(VARIANT_MEAN)
  vec3 total = vec3(0.0);
  for (uint i = lane; i < p.plane; i += gl_WorkGroupSize.x)
    total += vec3(p.x.v[r + i], p.x.v[g + i], p.x.v[b + i]);
  for (uint c = 0; c < 3; ++c) {
    float sum = workgroup_sum(total[c]);
    if (lane == 0) p.y.v[image * 3 + c] = sum * p.inverse_plane;
  }
#elif defined(VARIANT_COVARIANCE)
  vec3 mu = vec3(p.mean.v[image * 3], p.mean.v[image * 3 + 1], p.mean.v[image * 3 + 2]);
  vec3 diagonal = vec3(0.0), off_diagonal = vec3(0.0);  // (rr, gg, bb), (rg, rb, gb)
  for (uint i = lane; i < p.plane; i += gl_WorkGroupSize.x) {
    vec3 d = vec3(p.x.v[r + i], p.x.v[g + i], p.x.v[b + i]) - mu;
    diagonal += d * d;
    off_diagonal += vec3(d.x * d.y, d.x * d.z, d.y * d.z);
  }
  const uvec2 entries[6] = uvec2[6](uvec2(0, 0), uvec2(1, 1), uvec2(2, 2), uvec2(0, 1),
                                    uvec2(0, 2), uvec2(1, 2));
  for (uint k = 0; k < 6; ++k) {
    float sum = workgroup_sum(k < 3 ? diagonal[k] : off_diagonal[k - 3]) * p.inverse_plane;
    if (lane == 0) {
      p.y.v[image * 9 + entries[k].x * 3 + entries[k].y] = sum;
      p.y.v[image * 9 + entries[k].y * 3 + entries[k].x] = sum;
    }
  }
#else
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
#endif
}
