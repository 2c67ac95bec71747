#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/tensor.hpp"

namespace aegan {

// Seeded random numbers for initialisation and sampling, generated on the host so that a seed
// gives the same values on every device, driver and platform: no standard-library distribution
// (their outputs differ between implementations) and no libm transcendental (its last bit may
// differ); only IEEE-exact operations (+, *, /, sqrt, explicit fma) are used.
//
// Algorithm: SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators",
// OOPSLA 2014): the state advances by the golden-ratio increment 0x9e3779b97f4a7c15 and each
// output is the state passed through a 64-bit finaliser. The whole state is one 64-bit word, so
// state() and set_state() checkpoint and resume the stream exactly.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t next_u64();
  // Uniform in [0, bound), bound > 0, without modulo bias (the short last interval is rejected).
  uint64_t below(uint64_t bound);
  double uniform01();  // [0, 1), 53 random bits

  uint64_t state() const { return state_; }
  void set_state(uint64_t state) { state_ = state; }

 private:
  uint64_t state_;
};

// Normal values by Marsaglia's polar method in double precision: each accepted pair of uniforms
// gives two values; an odd count drops the last one, so no spare value is carried in the state.
std::vector<float> normal_values(size_t count, float mean, float std, Rng& rng);
// Values in [lo, hi) with 24 random bits each, like float32 uniforms; one word each.
std::vector<float> uniform_values(size_t count, float lo, float hi, Rng& rng);

// The same values, uploaded into a tensor in place (row-major order).
void normal_(Tensor& t, float mean, float std, Rng& rng);
void uniform_(Tensor& t, float lo, float hi, Rng& rng);
void fill_(Tensor& t, float value);

Tensor uniform(const Shape& shape, float lo, float hi, Rng& rng);

// Orthogonal initialisation (Saxe et al. 2014; torch.nn.init.orthogonal_'s recipe): the tensor
// is viewed as a matrix [shape[0], the rest] (a conv weight as [out, in * kh * kw]), a
// standard-normal matrix of that shape is drawn (normal_values, row-major), transposed when it has
// fewer rows than columns, and replaced by the Q of its QR decomposition (Householder, in double)
// with each column multiplied by the sign of R's diagonal element, transposed back and scaled by
// gain. The rows (wide) or columns (tall or square) are then orthonormal times gain. Rank >= 2.
std::vector<float> orthogonal_values(const Shape& shape, double gain, Rng& rng);
void orthogonal_(Tensor& t, double gain, Rng& rng);

// Natural logarithm of x > 0 (finite, normal) from IEEE-exact operations only; within a few ulp of
// the true value. Exposed for its test.
double portable_log(double x);

}  // namespace aegan
