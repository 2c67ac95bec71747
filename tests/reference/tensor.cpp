#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "tests/reference/detail.hpp"
#include "tests/reference/reference.hpp"

namespace aegan::reference {

using detail::require;
using detail::shape_string;

namespace {

int64_t product(const std::vector<int64_t>& shape) {
  if (shape.empty()) return 0;
  int64_t n = 1;
  for (int64_t d : shape) {
    require(d >= 0, "Tensor", "negative dimension in " + shape_string(shape));
    n *= d;
  }
  return n;
}

// splitmix64 (Steele, Lea, Flood 2014): tiny, and every seed, including 0, gives a good stream.
struct SplitMix64 {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // 53 random bits are exactly representable, so this is uniform on a grid in [0, 1).
  double uniform01() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

size_t flat_index(const Tensor& t, int64_t n, int64_t c, int64_t h, int64_t w) {
  // Messages are built only on failure: this runs for every element access of every loop.
  if (t.shape.size() != 4)
    detail::fail("Tensor::at", "tensor is not 4-D: " + shape_string(t.shape));
  const auto& s = t.shape;
  if (n < 0 || n >= s[0] || c < 0 || c >= s[1] || h < 0 || h >= s[2] || w < 0 || w >= s[3]) {
    throw std::out_of_range("aegan::reference::Tensor::at: index (" + std::to_string(n) + ", " +
                            std::to_string(c) + ", " + std::to_string(h) + ", " +
                            std::to_string(w) + ") out of " + shape_string(s));
  }
  return static_cast<size_t>(((n * s[1] + c) * s[2] + h) * s[3] + w);
}

}  // namespace

Tensor::Tensor(std::vector<int64_t> shape_, double fill)
    : shape(std::move(shape_)), data(static_cast<size_t>(product(shape)), fill) {}

Tensor::Tensor(std::vector<int64_t> shape_, std::vector<double> values)
    : shape(std::move(shape_)), data(std::move(values)) {
  require(static_cast<int64_t>(data.size()) == product(shape), "Tensor",
          std::to_string(data.size()) + " values for shape " + shape_string(shape));
}

int64_t Tensor::numel() const {
  return product(shape);
}

double& Tensor::at(int64_t n, int64_t c, int64_t h, int64_t w) {
  return data[flat_index(*this, n, c, h, w)];
}

double Tensor::at(int64_t n, int64_t c, int64_t h, int64_t w) const {
  return data[flat_index(*this, n, c, h, w)];
}

Tensor random_tensor(std::vector<int64_t> shape, uint64_t seed, double lo, double hi) {
  Tensor t(std::move(shape));
  SplitMix64 rng{seed};
  for (double& v : t.data)
    v = lo + (hi - lo) * rng.uniform01();
  return t;
}

Tensor random_mask(std::vector<int64_t> shape, uint64_t seed, double p_drop) {
  Tensor t(std::move(shape));
  SplitMix64 rng{seed};
  for (double& v : t.data)
    v = rng.uniform01() < p_drop ? 0.0 : 1.0;
  return t;
}

Tensor from_float(std::vector<int64_t> shape, const std::vector<float>& values) {
  return Tensor(std::move(shape), std::vector<double>(values.begin(), values.end()));
}

std::vector<float> to_float(const Tensor& x) {
  std::vector<float> out(x.data.size());
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<float>(x.data[i]);
  return out;
}

// The compiler's own float -> _Float16 conversion (IEEE round to nearest even), independent of
// the engine's shader code.
Tensor round_to_float16(const Tensor& x) {
  Tensor out = x;
  for (double& v : out.data)
    v = static_cast<double>(static_cast<_Float16>(static_cast<float>(v)));
  return out;
}

double sum(const Tensor& x) {
  double s = 0.0;
  for (double v : x.data)
    s += v;
  return s;
}

double mean(const Tensor& x) {
  require(!x.data.empty(), "mean", "empty tensor");
  return sum(x) / static_cast<double>(x.data.size());
}

double dot(const Tensor& a, const Tensor& b) {
  detail::require_same_shape(a, b, "dot");
  double s = 0.0;
  for (size_t i = 0; i < a.data.size(); ++i)
    s += a.data[i] * b.data[i];
  return s;
}

// Concatenation viewed as [outer, size_along_dim, inner] blocks: each part contributes a
// contiguous run of size_along_dim * inner values to every outer slice.
Tensor concat(const std::vector<Tensor>& parts, int dim) {
  require(!parts.empty(), "concat", "no parts");
  const auto rank = static_cast<int>(parts[0].shape.size());
  require(dim >= 0 && dim < rank, "concat", "dim " + std::to_string(dim) + " out of range");
  std::vector<int64_t> out_shape = parts[0].shape;
  out_shape[dim] = 0;
  for (const Tensor& p : parts) {
    bool compatible = static_cast<int>(p.shape.size()) == rank;
    for (int d = 0; compatible && d < rank; ++d) {
      compatible = d == dim || p.shape[d] == parts[0].shape[d];
    }
    require(compatible, "concat",
            "part " + shape_string(p.shape) + " incompatible with " + shape_string(parts[0].shape));
    out_shape[dim] += p.shape[dim];
  }
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < dim; ++d)
    outer *= out_shape[d];
  for (int d = dim + 1; d < rank; ++d)
    inner *= out_shape[d];

  Tensor y(out_shape);
  const int64_t out_run = out_shape[dim] * inner;
  for (int64_t o = 0; o < outer; ++o) {
    int64_t offset = 0;
    for (const Tensor& p : parts) {
      const int64_t run = p.shape[dim] * inner;
      for (int64_t i = 0; i < run; ++i) {
        y.data[static_cast<size_t>(o * out_run + offset + i)] =
            p.data[static_cast<size_t>(o * run + i)];
      }
      offset += run;
    }
  }
  return y;
}

std::vector<Tensor> concat_backward(const Tensor& grad_y,
                                    const std::vector<std::vector<int64_t>>& part_shapes, int dim) {
  // The gradient of a concatenation is the matching slice of grad_y for each part; checking the
  // shapes by concatenating zero parts keeps the shape rules in one place.
  std::vector<Tensor> grads;
  for (const auto& s : part_shapes)
    grads.emplace_back(s);
  detail::require_shape(grad_y, concat(grads, dim).shape, "concat_backward", "grad_y");

  const auto rank = static_cast<int>(grad_y.shape.size());
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < dim; ++d)
    outer *= grad_y.shape[d];
  for (int d = dim + 1; d < rank; ++d)
    inner *= grad_y.shape[d];
  const int64_t out_run = grad_y.shape[dim] * inner;
  for (int64_t o = 0; o < outer; ++o) {
    int64_t offset = 0;
    for (Tensor& g : grads) {
      const int64_t run = g.shape[dim] * inner;
      for (int64_t i = 0; i < run; ++i) {
        g.data[static_cast<size_t>(o * run + i)] =
            grad_y.data[static_cast<size_t>(o * out_run + offset + i)];
      }
      offset += run;
    }
  }
  return grads;
}

double max_abs_diff(const Tensor& a, const Tensor& b) {
  require(a.data.size() == b.data.size(), "max_abs_diff",
          shape_string(a.shape) + " vs " + shape_string(b.shape));
  double m = 0.0;
  for (size_t i = 0; i < a.data.size(); ++i) {
    const double d = std::abs(a.data[i] - b.data[i]);
    // A NaN must not hide behind std::max, which would keep the previous value.
    if (std::isnan(d)) return d;
    m = std::max(m, d);
  }
  return m;
}

double relative_error(const std::vector<float>& got, const Tensor& want) {
  return relative_error(from_float({static_cast<int64_t>(got.size())}, got), want);
}

double relative_error(const Tensor& got, const Tensor& want) {
  require(got.data.size() == want.data.size(), "relative_error",
          std::to_string(got.data.size()) + " values vs " + std::to_string(want.data.size()));
  double biggest = 0.0;
  for (double v : want.data)
    biggest = std::max(biggest, std::abs(v));
  double err = 0.0;
  for (size_t i = 0; i < got.data.size(); ++i) {
    const double d = std::abs(got.data[i] - want.data[i]);
    if (std::isnan(d)) return d;
    err = std::max(err, d);
  }
  return err / std::max(biggest, 1e-12);
}

Tensor numeric_gradient(const std::function<double(const Tensor&)>& f, const Tensor& x, double h) {
  Tensor probe = x;
  Tensor grad(x.shape);
  for (size_t i = 0; i < x.data.size(); ++i) {
    probe.data[i] = x.data[i] + h;
    const double up = f(probe);
    probe.data[i] = x.data[i] - h;
    const double down = f(probe);
    probe.data[i] = x.data[i];
    grad.data[i] = (up - down) / (2.0 * h);
  }
  return grad;
}

Tensor upsample_nearest2x(const Tensor& x) {
  detail::require_rank4(x, "upsample_nearest2x", "x");
  const auto& s = x.shape;
  Tensor y({s[0], s[1], 2 * s[2], 2 * s[3]});
  for (int64_t n = 0; n < s[0]; ++n)
    for (int64_t c = 0; c < s[1]; ++c)
      for (int64_t h = 0; h < 2 * s[2]; ++h)
        for (int64_t w = 0; w < 2 * s[3]; ++w)
          y.at(n, c, h, w) = x.at(n, c, h / 2, w / 2);
  return y;
}

Tensor upsample_nearest2x_backward(const Tensor& grad_y) {
  detail::require_rank4(grad_y, "upsample_nearest2x_backward", "grad_y");
  const auto& s = grad_y.shape;
  detail::require(s[2] % 2 == 0 && s[3] % 2 == 0, "upsample_nearest2x_backward",
                  "grad_y needs an even height and width");
  Tensor dx({s[0], s[1], s[2] / 2, s[3] / 2});
  for (int64_t n = 0; n < s[0]; ++n)
    for (int64_t c = 0; c < s[1]; ++c)
      for (int64_t h = 0; h < s[2]; ++h)
        for (int64_t w = 0; w < s[3]; ++w)
          dx.at(n, c, h / 2, w / 2) += grad_y.at(n, c, h, w);
  return dx;
}

namespace {

void require_column(const std::vector<int64_t>& shape, const char* where) {
  detail::require(shape.size() == 2 || (shape.size() == 4 && shape[2] == 1 && shape[3] == 1), where,
                  "needs [N, C] or [N, C, 1, 1], got " + detail::shape_string(shape));
}

}  // namespace

Tensor tile_spatial(const Tensor& x, int64_t size) {
  require_column(x.shape, "tile_spatial");
  Tensor y({x.shape[0], x.shape[1], size, size});
  for (int64_t n = 0; n < x.shape[0]; ++n)
    for (int64_t c = 0; c < x.shape[1]; ++c)
      for (int64_t h = 0; h < size; ++h)
        for (int64_t w = 0; w < size; ++w)
          y.at(n, c, h, w) = x.data[static_cast<size_t>(n * x.shape[1] + c)];
  return y;
}

Tensor tile_spatial_backward(const Tensor& grad_y, const std::vector<int64_t>& x_shape) {
  require_column(x_shape, "tile_spatial_backward");
  detail::require_rank4(grad_y, "tile_spatial_backward", "grad_y");
  Tensor dx(x_shape);
  for (int64_t n = 0; n < grad_y.shape[0]; ++n)
    for (int64_t c = 0; c < grad_y.shape[1]; ++c)
      for (int64_t h = 0; h < grad_y.shape[2]; ++h)
        for (int64_t w = 0; w < grad_y.shape[3]; ++w)
          dx.data[static_cast<size_t>(n * x_shape[1] + c)] += grad_y.at(n, c, h, w);
  return dx;
}

}  // namespace aegan::reference
