#include "engine/init.hpp"

#include <limits>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace aegan {

uint64_t Rng::next_u64() {
  state_ += 0x9e3779b97f4a7c15ull;
  uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t Rng::below(uint64_t bound) {
  // Values above `limit` would make the low residues one more likely than the others.
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  const uint64_t limit = max - (max % bound + 1) % bound;
  uint64_t value = next_u64();
  while (value > limit)
    value = next_u64();
  return value % bound;
}

double Rng::uniform01() {
  return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

// log x = e ln 2 + 2 atanh(s) with x = m 2^e, m in [sqrt(1/2), sqrt(2)), s = (m - 1) / (m + 1).
// Every product that feeds a sum is an explicit fma, so compilers that contract a * b + c (the
// default on some targets) cannot change the result.
double portable_log(double x) {
  int exponent = 0;
  double m = std::frexp(x, &exponent);
  if (m < std::numbers::sqrt2 / 2) {
    m *= 2.0;
    --exponent;
  }
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  // atanh(s) / s = sum s^2k / (2k + 1); |s| < 0.172, so terms past k = 12 are below 1e-20.
  double series = 1.0 / 27.0;
  for (int k = 12; k >= 0; --k)
    series = std::fma(series, s2, 1.0 / (2 * k + 1));
  // ln 2 split in two (fdlibm's constants) so that the large term carries no rounding error.
  constexpr double kLn2Hi = 0x1.62e42feep-1, kLn2Lo = 0x1.a39ef35793c76p-33;
  const double e = exponent;
  return std::fma(e, kLn2Hi, std::fma(e, kLn2Lo, 2.0 * s * series));
}

std::vector<float> normal_values(size_t count, float mean, float std, Rng& rng) {
  if (!(std >= 0.0f) || !std::isfinite(std) || !std::isfinite(mean)) {
    throw Error("normal_: mean must be finite and standard deviation finite and >= 0");
  }
  std::vector<float> values(count);
  auto store = [&](size_t i, double z) {
    values[i] = static_cast<float>(std::fma(static_cast<double>(std), z, mean));
  };
  for (size_t i = 0; i < count; i += 2) {
    double x = 0.0, y = 0.0, r2 = 0.0;
    do {
      x = 2.0 * rng.uniform01() - 1.0;  // exact: uniforms are multiples of 2^-53
      y = 2.0 * rng.uniform01() - 1.0;
      r2 = std::fma(x, x, y * y);
    } while (r2 >= 1.0 || r2 == 0.0);
    const double factor = std::sqrt(-2.0 * portable_log(r2) / r2);
    store(i, x * factor);
    if (i + 1 < count) store(i + 1, y * factor);
  }
  return values;
}

std::vector<float> uniform_values(size_t count, float lo, float hi, Rng& rng) {
  if (!(lo < hi) || !std::isfinite(lo) || !std::isfinite(hi)) {
    throw Error("uniform_: needs finite lo < hi");
  }
  std::vector<float> values(count);
  const float below_hi = std::nextafter(hi, lo);
  const double width = static_cast<double>(hi) - lo;
  for (float& value : values) {
    const double u = static_cast<double>(rng.next_u64() >> 40) * 0x1.0p-24;
    // Rounding to float can reach hi when lo and hi differ in magnitude; keep the interval open.
    value = std::min(static_cast<float>(std::fma(width, u, lo)), below_hi);
  }
  return values;
}

void normal_(Tensor& t, float mean, float std, Rng& rng) {
  t.upload(normal_values(static_cast<size_t>(t.numel()), mean, std, rng));
}

void uniform_(Tensor& t, float lo, float hi, Rng& rng) {
  t.upload(uniform_values(static_cast<size_t>(t.numel()), lo, hi, rng));
}

void fill_(Tensor& t, float value) {
  if (t.bytes() == 0) return;
  t.fill(value);
}

Tensor uniform(const Shape& shape, float lo, float hi, Rng& rng) {
  Tensor t = Tensor::empty(shape);
  uniform_(t, lo, hi, rng);
  return t;
}

}  // namespace aegan
