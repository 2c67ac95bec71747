#include "viewer/core/embedding_walk.hpp"

#include <algorithm>
#include <cmath>

#include "engine/autograd.hpp"
#include "engine/error.hpp"
#include "engine/ops/launch.hpp"
#include "shaders.hpp"

namespace aegan::viewer {
namespace {

struct BlendPush {
  VkDeviceAddress a, b, c, d;
  VkDeviceAddress y;
  float w0, w1, w2, w3;
  uint32_t n;
  uint32_t terms;
};

double dot(const std::vector<float>& a, const std::vector<float>& b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i)
    sum += static_cast<double>(a[i]) * b[i];
  return sum;
}

}  // namespace

KeyframeGeometry keyframe_geometry(const std::vector<std::vector<float>>& keyframes) {
  KeyframeGeometry g;
  for (size_t k = 0; k < keyframes.size(); ++k) {
    g.norm.push_back(std::sqrt(dot(keyframes[k], keyframes[k])));
    g.dot_next.push_back(dot(keyframes[k], keyframes[(k + 1) % keyframes.size()]));
  }
  return g;
}

std::vector<WalkTerm> walk_terms(Interpolation mode, bool loop, int keyframes, double t,
                                 const KeyframeGeometry& geometry) {
  if (keyframes < 2) throw Error("a walk needs at least 2 keyframes");
  if (!std::isfinite(t)) throw Error("walk position is not finite");
  const long long n = keyframes;
  const double period = static_cast<double>(loop ? n : n - 1);
  t = loop ? t - std::floor(t / period) * period : std::clamp(t, 0.0, period);
  const long long i = std::min(static_cast<long long>(std::floor(t)), n - (loop ? 1 : 2));
  const double u = t - static_cast<double>(i);
  const auto key = [&](long long j) {
    return static_cast<int>(loop ? ((j % n) + n) % n : std::clamp(j, 0LL, n - 1));
  };
  if (u == 0) return {{key(i), 1.0}};
  if (u == 1) return {{key(i + 1), 1.0}};
  if (mode == Interpolation::lerp) return {{key(i), 1 - u}, {key(i + 1), u}};
  if (mode == Interpolation::slerp) {
    if (geometry.norm.size() != static_cast<size_t>(n) ||
        geometry.dot_next.size() != geometry.norm.size()) {
      throw Error("internal error: slerp without the keyframes' geometry");
    }
    const int a = key(i), b = key(i + 1);
    const double na = geometry.norm[static_cast<size_t>(a)],
                 nb = geometry.norm[static_cast<size_t>(b)];
    // Great-circle arc between the directions, the length interpolated linearly.
    const double omega =
        std::acos(std::clamp(geometry.dot_next[static_cast<size_t>(a)] / (na * nb), -1.0, 1.0));
    const double wa = omega < 1e-6 ? 1 - u : std::sin((1 - u) * omega) / std::sin(omega);
    const double wb = omega < 1e-6 ? u : std::sin(u * omega) / std::sin(omega);
    const double norm = na + u * (nb - na);
    return {{a, norm * wa / na}, {b, norm * wb / nb}};
  }
  // Uniform Catmull-Rom through key(i - 1) .. key(i + 2).
  const double u2 = u * u, u3 = u2 * u;
  return {{key(i - 1), 0.5 * (-u + 2 * u2 - u3)},
          {key(i), 0.5 * (2 - 5 * u2 + 3 * u3)},
          {key(i + 1), 0.5 * (u + 4 * u2 - 3 * u3)},
          {key(i + 2), 0.5 * (-u2 + u3)}};
}

EmbeddingSpace& embedding_space(Model& model) {
  EmbeddingSpace* space = model.embedding_space();
  if (!space) throw Error(model.name() + " has no embedding space to walk in (walk in z)");
  return *space;
}

bool EmbeddingWalk::update(Model& model, uint64_t model_version, const WalkSettings& settings) {
  if (keyframes_.defined() && model_version == model_version_ && settings.seed == settings_.seed &&
      settings.keyframes == settings_.keyframes) {
    settings_ = settings;  // mode, loop and speed need no new keyframes
    return false;
  }
  EmbeddingSpace& space = embedding_space(model);
  const int nz = model.latent_size();
  // The z walk's own keyframes, so that both walks pass through the same images.
  const LatentWalk z_walk(nz, settings.keyframes, settings.seed, settings.mode, settings.loop,
                          model.prior());
  std::vector<float> z;
  for (int k = 0; k < settings.keyframes; ++k) {
    const std::vector<float>& key = z_walk.keyframe(k);
    z.insert(z.end(), key.begin(), key.end());
  }
  NoGradGuard no_grad;
  model.set_training(false);
  keyframes_ = space.embed(Tensor::from_host({settings.keyframes, nz, 1, 1}, z));
  const std::vector<float> values = keyframes_.to_host();
  const size_t size = values.size() / static_cast<size_t>(settings.keyframes);
  std::vector<std::vector<float>> rows;
  for (size_t k = 0; k < static_cast<size_t>(settings.keyframes); ++k) {
    rows.emplace_back(values.begin() + static_cast<ptrdiff_t>(k * size),
                      values.begin() + static_cast<ptrdiff_t>((k + 1) * size));
  }
  geometry_ = keyframe_geometry(rows);
  settings_ = settings;
  model_version_ = model_version;
  return true;
}

std::vector<WalkTerm> EmbeddingWalk::terms(double t) const {
  return walk_terms(settings_.mode, settings_.loop, settings_.keyframes, t, geometry_);
}

Tensor EmbeddingWalk::at(double t) const {
  if (!keyframes_.defined()) throw Error("internal error: the embedding walk has no keyframes");
  const std::vector<WalkTerm> terms = this->terms(t);
  Shape shape = keyframes_.shape();
  shape[0] = 1;
  Tensor out = Tensor::empty(shape);
  const uint64_t n = static_cast<uint64_t>(out.numel());
  const auto row = [&](size_t j) {
    const WalkTerm& term = terms[std::min(j, terms.size() - 1)];
    return keyframes_.address() + static_cast<VkDeviceAddress>(term.index) * n * 4;
  };
  const auto weight = [&](size_t j) {
    return j < terms.size() ? static_cast<float>(terms[j].weight) : 0.0f;
  };
  const BlendPush push{row(0),
                       row(1),
                       row(2),
                       row(3),
                       out.address(),
                       weight(0),
                       weight(1),
                       weight(2),
                       weight(3),
                       static_cast<uint32_t>(n),
                       static_cast<uint32_t>(terms.size())};
  ops::launch_1d(shaders::blend, n, push, {keyframes_.reads(), out.writes()});
  return out;
}

}  // namespace aegan::viewer
