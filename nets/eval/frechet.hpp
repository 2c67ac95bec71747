#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace aegan::eval {

// A Gaussian fitted to feature vectors; matrices are row-major dims x dims, in double.
struct Gaussian {
  int dims = 0;
  int64_t count = 0;  // vectors it was fitted to
  std::vector<double> mean;
  std::vector<double> covariance;  // unbiased (divides by count - 1); zero for one vector
};

// `features` holds count rows of `dims` floats. Throws aegan::Error when it is empty or ragged.
Gaussian fit_gaussian(std::span<const float> features, int dims);

struct SymmetricEigen {
  std::vector<double> values;   // ascending
  std::vector<double> vectors;  // row-major n x n; column j belongs to values[j]
};

// Eigen-decomposition of the symmetric n x n matrix (row-major; only symmetric input is
// meaningful) by the cyclic Jacobi method: plane rotations drive the off-diagonal entries to
// zero. Slow for large n, but unconditionally stable and accurate to rounding, which is what a
// covariance square root needs.
SymmetricEigen symmetric_eigen(std::vector<double> matrix, int n);

// Frechet (2-Wasserstein) distance between the Gaussians:
// |mu1 - mu2|^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2)), with the trace of the root computed as
// Tr sqrt(sqrt(S1) S2 sqrt(S1)), a symmetric positive semi-definite matrix, so that only
// symmetric eigen-decompositions are needed. Throws aegan::Error when dimensions differ.
double frechet_distance(const Gaussian& a, const Gaussian& b);

}  // namespace aegan::eval
