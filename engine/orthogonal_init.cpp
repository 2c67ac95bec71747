#include <cmath>
#include <utility>
#include <vector>

#include "engine/error.hpp"
#include "engine/init.hpp"

namespace aegan {
namespace {

// A dense row-major matrix of doubles.
struct Matrix {
  int64_t rows = 0, cols = 0;
  std::vector<double> values;

  double& at(int64_t r, int64_t c) { return values[r * cols + c]; }
  double at(int64_t r, int64_t c) const { return values[r * cols + c]; }
};

Matrix transposed(const Matrix& a) {
  Matrix t{a.cols, a.rows, std::vector<double>(a.values.size())};
  for (int64_t r = 0; r < a.rows; ++r)
    for (int64_t c = 0; c < a.cols; ++c)
      t.at(c, r) = a.at(r, c);
  return t;
}

// Applies the reflection I - 2 v v^T / (v^T v) to rows first.. of `target`, v spanning them.
void reflect(Matrix& target, const std::vector<double>& v, int64_t first, int64_t first_col) {
  double norm_sq = 0.0;
  for (double x : v)
    norm_sq += x * x;
  if (norm_sq == 0.0) return;
  for (int64_t c = first_col; c < target.cols; ++c) {
    double dot = 0.0;
    for (size_t k = 0; k < v.size(); ++k)
      dot += v[k] * target.at(first + k, c);
    const double factor = 2.0 * dot / norm_sq;
    for (size_t k = 0; k < v.size(); ++k)
      target.at(first + k, c) -= factor * v[k];
  }
}

// The Q of the reduced QR decomposition of a (rows >= cols) by Householder reflections, its
// columns signed so that R's diagonal is positive: then Q is unique (for a full-rank a) and the
// same as LAPACK's after the same sign correction.
Matrix orthonormal_columns(Matrix a) {
  const int64_t m = a.rows, n = a.cols;
  std::vector<std::vector<double>> reflections;
  std::vector<double> diagonal(n);
  for (int64_t k = 0; k < n; ++k) {
    std::vector<double> v(m - k);
    double norm_sq = 0.0;
    for (int64_t r = k; r < m; ++r) {
      v[r - k] = a.at(r, k);
      norm_sq += v[r - k] * v[r - k];
    }
    // The reflection maps the column to alpha e_k; alpha of the opposite sign to v[0] avoids
    // cancellation in v[0] - alpha.
    const double alpha = v[0] >= 0.0 ? -std::sqrt(norm_sq) : std::sqrt(norm_sq);
    v[0] -= alpha;
    reflect(a, v, k, k);
    diagonal[k] = alpha;
    reflections.push_back(std::move(v));
  }
  Matrix q{m, n, std::vector<double>(m * n, 0.0)};
  for (int64_t k = 0; k < n; ++k)
    q.at(k, k) = 1.0;
  for (int64_t k = n - 1; k >= 0; --k)
    reflect(q, reflections[k], k, 0);
  for (int64_t c = 0; c < n; ++c) {
    if (diagonal[c] >= 0.0) continue;
    for (int64_t r = 0; r < m; ++r)
      q.at(r, c) = -q.at(r, c);
  }
  return q;
}

}  // namespace

std::vector<float> orthogonal_values(const Shape& shape, double gain, Rng& rng) {
  if (shape.size() < 2 || numel(shape) == 0 || !std::isfinite(gain)) {
    throw Error("orthogonal_ needs a nonempty tensor of rank >= 2 and a finite gain, not " +
                to_string(shape));
  }
  const int64_t rows = shape[0], cols = numel(shape) / rows;
  const std::vector<float> normal =
      normal_values(static_cast<size_t>(rows * cols), 0.0f, 1.0f, rng);
  Matrix drawn{rows, cols, std::vector<double>(normal.begin(), normal.end())};
  // QR needs at least as many rows as columns: a wide matrix is decomposed transposed, which
  // makes its rows orthonormal instead of its columns.
  const bool wide = rows < cols;
  Matrix q = orthonormal_columns(wide ? transposed(drawn) : std::move(drawn));
  if (wide) q = transposed(q);
  std::vector<float> values(q.values.size());
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = static_cast<float>(gain * q.values[i]);
  return values;
}

void orthogonal_(Tensor& t, double gain, Rng& rng) {
  t.upload(orthogonal_values(t.shape(), gain, rng));
}

}  // namespace aegan
