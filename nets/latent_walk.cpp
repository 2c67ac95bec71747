#include "nets/latent_walk.hpp"

#include <algorithm>
#include <cmath>

#include "engine/error.hpp"
#include "engine/init.hpp"

namespace aegan {

Interpolation interpolation_by_name(const std::string& name) {
  if (name == "lerp") return Interpolation::lerp;
  if (name == "slerp") return Interpolation::slerp;
  if (name == "spline") return Interpolation::spline;
  throw Error("unknown interpolation '" + name + "' (lerp, slerp or spline)");
}

LatentWalk::LatentWalk(int dim, int keyframes, uint64_t seed, Interpolation interpolation,
                       bool loop, Prior prior)
    : dim_(dim), interpolation_(interpolation), loop_(loop) {
  if (dim < 1 || keyframes < 2) throw Error("a latent walk needs at least two keyframes");
  Rng rng(seed);
  const std::vector<float> all =
      latent_values(static_cast<size_t>(dim) * static_cast<size_t>(keyframes), prior, rng);
  for (int i = 0; i < keyframes; ++i) {
    keys_.emplace_back(all.begin() + static_cast<ptrdiff_t>(i) * dim,
                       all.begin() + static_cast<ptrdiff_t>(i + 1) * dim);
  }
}

double LatentWalk::period() const {
  return static_cast<double>(loop_ ? keys_.size() : keys_.size() - 1);
}

const std::vector<float>& LatentWalk::key(long long i) const {
  const long long n = static_cast<long long>(keys_.size());
  if (loop_) return keys_[static_cast<size_t>(((i % n) + n) % n)];
  return keys_[static_cast<size_t>(std::clamp(i, 0LL, n - 1))];
}

std::vector<float> LatentWalk::at(double t) const {
  if (!std::isfinite(t)) throw Error("latent walk position is not finite");
  t = loop_ ? t - std::floor(t / period()) * period() : std::clamp(t, 0.0, period());
  const long long i = std::min(static_cast<long long>(std::floor(t)),
                               static_cast<long long>(keys_.size()) - (loop_ ? 1 : 2));
  const double u = t - static_cast<double>(i);
  const std::vector<float>&a = key(i), &b = key(i + 1);
  std::vector<float> z(static_cast<size_t>(dim_));
  if (interpolation_ == Interpolation::lerp) {
    for (size_t d = 0; d < z.size(); ++d)
      z[d] = static_cast<float>(a[d] + u * (b[d] - a[d]));
  } else if (interpolation_ == Interpolation::slerp) {
    double dot = 0, na = 0, nb = 0;
    for (size_t d = 0; d < z.size(); ++d) {
      dot += static_cast<double>(a[d]) * b[d];
      na += static_cast<double>(a[d]) * a[d];
      nb += static_cast<double>(b[d]) * b[d];
    }
    na = std::sqrt(na);
    nb = std::sqrt(nb);
    const double omega = std::acos(std::clamp(dot / (na * nb), -1.0, 1.0));
    const double norm = na + u * (nb - na);
    for (size_t d = 0; d < z.size(); ++d) {
      // Directions on the unit sphere, then the interpolated length.
      const double wa = omega < 1e-6 ? 1 - u : std::sin((1 - u) * omega) / std::sin(omega);
      const double wb = omega < 1e-6 ? u : std::sin(u * omega) / std::sin(omega);
      z[d] = static_cast<float>(norm * (wa * a[d] / na + wb * b[d] / nb));
    }
  } else {
    const std::vector<float>&p0 = key(i - 1), &p3 = key(i + 2);
    const double u2 = u * u, u3 = u2 * u;
    for (size_t d = 0; d < z.size(); ++d) {
      z[d] = static_cast<float>(0.5 * (2 * a[d] + (-p0[d] + b[d]) * u +
                                       (2 * p0[d] - 5 * a[d] + 4 * b[d] - p3[d]) * u2 +
                                       (-p0[d] + 3 * a[d] - 3 * b[d] + p3[d]) * u3));
    }
  }
  return z;
}

std::vector<float> LatentWalk::frames(double t0, double dt, int count) const {
  std::vector<float> out;
  out.reserve(static_cast<size_t>(count) * static_cast<size_t>(dim_));
  for (int f = 0; f < count; ++f) {
    const std::vector<float> z = at(t0 + dt * f);
    out.insert(out.end(), z.begin(), z.end());
  }
  return out;
}

}  // namespace aegan
