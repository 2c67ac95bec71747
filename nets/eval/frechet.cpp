#include "nets/eval/frechet.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "engine/error.hpp"

namespace aegan::eval {
namespace {

using Matrix = std::vector<double>;

double& at(Matrix& m, int n, int row, int column) {
  return m[static_cast<size_t>(row * n + column)];
}

double off_diagonal_squares(const Matrix& m, int n) {
  double sum = 0;
  for (int p = 0; p < n; ++p) {
    for (int q = p + 1; q < n; ++q)
      sum += m[static_cast<size_t>(p * n + q)] * m[static_cast<size_t>(p * n + q)];
  }
  return sum;
}

// A <- J^T A J and V <- V J for the rotation in the (p, q) plane that zeroes A[p][q].
void rotate(Matrix& a, Matrix& v, int n, int p, int q) {
  const double apq = at(a, n, p, q);
  const double theta = (at(a, n, q, q) - at(a, n, p, p)) / (2 * apq);
  const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1));
  const double c = 1 / std::sqrt(t * t + 1), s = t * c;
  for (int k = 0; k < n; ++k) {
    const double kp = at(a, n, k, p), kq = at(a, n, k, q);
    at(a, n, k, p) = c * kp - s * kq;
    at(a, n, k, q) = s * kp + c * kq;
  }
  for (int k = 0; k < n; ++k) {
    const double pk = at(a, n, p, k), qk = at(a, n, q, k);
    at(a, n, p, k) = c * pk - s * qk;
    at(a, n, q, k) = s * pk + c * qk;
  }
  for (int k = 0; k < n; ++k) {
    const double kp = at(v, n, k, p), kq = at(v, n, k, q);
    at(v, n, k, p) = c * kp - s * kq;
    at(v, n, k, q) = s * kp + c * kq;
  }
}

Matrix multiply(const Matrix& a, const Matrix& b, int n) {
  Matrix out(a.size(), 0.0);
  for (int i = 0; i < n; ++i) {
    for (int k = 0; k < n; ++k) {
      const double aik = a[static_cast<size_t>(i * n + k)];
      for (int j = 0; j < n; ++j)
        out[static_cast<size_t>(i * n + j)] += aik * b[static_cast<size_t>(k * n + j)];
    }
  }
  return out;
}

// The positive semi-definite square root V diag(sqrt(max(l, 0))) V^T; eigenvalues below zero
// are rounding noise of a singular covariance (fewer vectors than dimensions).
Matrix psd_sqrt(const Matrix& m, int n) {
  const SymmetricEigen e = symmetric_eigen(m, n);
  Matrix out(m.size(), 0.0);
  for (int j = 0; j < n; ++j) {
    const double root = std::sqrt(std::max(0.0, e.values[static_cast<size_t>(j)]));
    for (int r = 0; r < n; ++r) {
      const double scaled = root * e.vectors[static_cast<size_t>(r * n + j)];
      for (int c = 0; c < n; ++c)
        out[static_cast<size_t>(r * n + c)] += scaled * e.vectors[static_cast<size_t>(c * n + j)];
    }
  }
  return out;
}

double trace(const Matrix& m, int n) {
  double sum = 0;
  for (int i = 0; i < n; ++i)
    sum += m[static_cast<size_t>(i * n + i)];
  return sum;
}

}  // namespace

Gaussian fit_gaussian(std::span<const float> features, int dims) {
  if (dims < 1 || features.empty() || features.size() % static_cast<size_t>(dims) != 0) {
    throw Error("features must be a non-empty whole number of vectors");
  }
  Gaussian g{dims, static_cast<int64_t>(features.size() / static_cast<size_t>(dims)),
             std::vector<double>(static_cast<size_t>(dims), 0.0),
             std::vector<double>(static_cast<size_t>(dims * dims), 0.0)};
  for (size_t i = 0; i < features.size(); ++i)
    g.mean[i % static_cast<size_t>(dims)] += features[i];
  for (double& m : g.mean)
    m /= static_cast<double>(g.count);
  std::vector<double> centred(static_cast<size_t>(dims));
  for (int64_t row = 0; row < g.count; ++row) {
    for (int i = 0; i < dims; ++i) {
      centred[static_cast<size_t>(i)] =
          features[static_cast<size_t>(row * dims + i)] - g.mean[static_cast<size_t>(i)];
    }
    for (int i = 0; i < dims; ++i) {
      for (int j = 0; j < dims; ++j)
        at(g.covariance, dims, i, j) +=
            centred[static_cast<size_t>(i)] * centred[static_cast<size_t>(j)];
    }
  }
  if (g.count > 1) {
    for (double& c : g.covariance)
      c /= static_cast<double>(g.count - 1);
  }
  return g;
}

SymmetricEigen symmetric_eigen(std::vector<double> a, int n) {
  if (n < 1 || a.size() != static_cast<size_t>(n * n)) throw Error("eigen: matrix must be n x n");
  Matrix v(a.size(), 0.0);
  for (int i = 0; i < n; ++i)
    at(v, n, i, i) = 1;
  const double total = std::inner_product(a.begin(), a.end(), a.begin(), 0.0);
  // Each sweep roughly squares the off-diagonal norm once it is small; 50 sweeps are never
  // needed in practice but bound the loop should rounding stall the last step.
  for (int sweep = 0; sweep < 50 && off_diagonal_squares(a, n) > 1e-30 * total; ++sweep) {
    for (int p = 0; p < n; ++p) {
      for (int q = p + 1; q < n; ++q) {
        if (at(a, n, p, q) != 0) rotate(a, v, n, p, q);
      }
    }
  }
  std::vector<int> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](int i, int j) { return at(a, n, i, i) < at(a, n, j, j); });
  SymmetricEigen out{std::vector<double>(static_cast<size_t>(n)), Matrix(a.size())};
  for (int j = 0; j < n; ++j) {
    const int from = order[static_cast<size_t>(j)];
    out.values[static_cast<size_t>(j)] = at(a, n, from, from);
    for (int r = 0; r < n; ++r)
      out.vectors[static_cast<size_t>(r * n + j)] = at(v, n, r, from);
  }
  return out;
}

double frechet_distance(const Gaussian& a, const Gaussian& b) {
  if (a.dims != b.dims) throw Error("Frechet distance needs features of one dimension");
  const int n = a.dims;
  double mean_term = 0;
  for (int i = 0; i < n; ++i) {
    const double d = a.mean[static_cast<size_t>(i)] - b.mean[static_cast<size_t>(i)];
    mean_term += d * d;
  }
  const Matrix root_a = psd_sqrt(a.covariance, n);
  Matrix inner = multiply(multiply(root_a, b.covariance, n), root_a, n);
  for (int i = 0; i < n; ++i) {  // exact symmetry for the solver
    for (int j = i + 1; j < n; ++j) {
      const double mean = (at(inner, n, i, j) + at(inner, n, j, i)) / 2;
      at(inner, n, i, j) = at(inner, n, j, i) = mean;
    }
  }
  double root_trace = 0;
  for (const double value : symmetric_eigen(std::move(inner), n).values)
    root_trace += std::sqrt(std::max(0.0, value));
  // Rounding can leave a distance between equal Gaussians a hair below zero.
  return std::max(0.0,
                  mean_term + trace(a.covariance, n) + trace(b.covariance, n) - 2 * root_trace);
}

}  // namespace aegan::eval
