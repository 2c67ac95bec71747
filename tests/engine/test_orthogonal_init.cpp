#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/init.hpp"
#include "tests/engine/io/io_testing.hpp"

namespace aegan {
namespace {

// Square, tall, wide, a single row and column, and conv weights ([out, in, kh, kw]) viewed as
// [out, in * kh * kw] both ways round.
const std::vector<Shape> kShapes{{5, 5}, {9, 4},        {4, 9},        {1, 6},
                                 {6, 1}, {16, 3, 3, 3}, {8, 64, 4, 4}, {64, 2, 1, 1}};

struct Layout {
  int64_t rows, cols;
};
Layout layout(const Shape& shape) {
  return {shape[0], numel(shape) / shape[0]};
}

// Max |G - gain^2 I| over the Gram matrix of the rows (wide) or the columns (otherwise).
double orthonormality_error(const std::vector<float>& w, const Shape& shape, double gain) {
  const auto [rows, cols] = layout(shape);
  const bool wide = rows < cols;
  const int64_t vectors = wide ? rows : cols, length = wide ? cols : rows;
  auto element = [&](int64_t vector, int64_t k) {
    return static_cast<double>(wide ? w[vector * cols + k] : w[k * cols + vector]);
  };
  double worst = 0.0;
  for (int64_t a = 0; a < vectors; ++a) {
    for (int64_t b = 0; b < vectors; ++b) {
      double dot = 0.0;
      for (int64_t k = 0; k < length; ++k)
        dot += element(a, k) * element(b, k);
      worst = std::max(worst, std::abs(dot - (a == b ? gain * gain : 0.0)));
    }
  }
  return worst;
}

TEST(OrthogonalInit, RowsOrColumnsAreOrthonormalTimesTheGain) {
  uint64_t seed = 70;
  for (const Shape& shape : kShapes) {
    for (double gain : {1.0, 1.4142135623730951}) {
      SCOPED_TRACE(to_string(shape) + " gain " + std::to_string(gain));
      Rng rng(++seed);
      const auto w = orthogonal_values(shape, gain, rng);
      ASSERT_EQ(static_cast<int64_t>(w.size()), numel(shape));
      // Float rounding of each element, summed over up to 1024 products.
      EXPECT_LE(orthonormality_error(w, shape, gain), 1e-5);
    }
  }
}

TEST(OrthogonalInit, IsDeterministicPerSeedAndUploads) {
  Rng a(3), b(3), c(4);
  const Shape shape{8, 3, 3, 3};
  const auto first = orthogonal_values(shape, 1.0, a);
  EXPECT_EQ(first, orthogonal_values(shape, 1.0, b));
  EXPECT_NE(first, orthogonal_values(shape, 1.0, c));
  Rng d(3);
  Tensor t = Tensor::empty(shape);
  orthogonal_(t, 1.0, d);
  EXPECT_EQ(t.to_host(), first);
}

// Q^T A (A the normal matrix the seed draws, transposed when wide) must be upper triangular with
// a positive diagonal: the sign convention, checked without any other QR.
TEST(OrthogonalInit, RIsUpperTriangularWithAPositiveDiagonal) {
  uint64_t seed = 90;
  for (const Shape& shape : kShapes) {
    SCOPED_TRACE(to_string(shape));
    Rng draw(++seed), init(seed);
    const auto [rows, cols] = layout(shape);
    const auto normal = normal_values(static_cast<size_t>(rows * cols), 0.0f, 1.0f, draw);
    const auto q = orthogonal_values(shape, 1.0, init);
    const bool wide = rows < cols;
    const int64_t m = wide ? cols : rows, n = wide ? rows : cols;
    // Element (r, c) of the m x n matrices that were decomposed.
    auto a_at = [&](int64_t r, int64_t c) {
      return static_cast<double>(wide ? normal[c * cols + r] : normal[r * cols + c]);
    };
    auto q_at = [&](int64_t r, int64_t c) {
      return static_cast<double>(wide ? q[c * cols + r] : q[r * cols + c]);
    };
    for (int64_t i = 0; i < n; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        double r = 0.0;
        for (int64_t k = 0; k < m; ++k)
          r += q_at(k, i) * a_at(k, j);
        if (i > j) {
          EXPECT_NEAR(r, 0.0, 1e-4) << "R(" << i << ", " << j << ")";
        } else if (i == j) {
          EXPECT_GT(r, 1e-3) << "R(" << i << ", " << i << ")";
        }
      }
    }
  }
}

// The same normal matrices through torch.linalg.qr with torch.nn.init.orthogonal_'s sign
// correction and transposes, where an interpreter with PyTorch is installed (one run for all
// shapes: importing torch takes seconds).
TEST(OrthogonalInit, AgreesWithPyTorchOnTheSameNormalMatrix) {
  std::string python;
  for (const char* candidate : {"python3", "/usr/bin/python3"}) {
    const std::string probe = std::string(candidate) + " -c 'import torch' >/dev/null 2>&1";
    if (std::system(probe.c_str()) == 0) {
      python = candidate;
      break;
    }
  }
  if (python.empty()) GTEST_SKIP() << "no python3 that imports torch";
  io::testing::TempDir dir;
  std::vector<std::vector<float>> ours;
  {
    std::ofstream out(dir / "normal.txt");
    out.precision(9);
    uint64_t seed = 110;
    for (const Shape& shape : kShapes) {
      Rng draw(++seed), init(seed);
      const auto [rows, cols] = layout(shape);
      out << rows << " " << cols << "\n";
      for (float v : normal_values(static_cast<size_t>(rows * cols), 0.0f, 1.0f, draw))
        out << v << "\n";
      ours.push_back(orthogonal_values(shape, 1.0, init));
    }
  }
  std::ofstream(dir / "qr.py") << R"(import sys, torch
values = open(sys.argv[1]).read().split()
out = open(sys.argv[2], 'w')
at = 0
while at < len(values):
    rows, cols = int(values[at]), int(values[at + 1])
    at += 2
    a = torch.tensor([float(x) for x in values[at:at + rows * cols]], dtype=torch.float64)
    at += rows * cols
    a = a.reshape(rows, cols)
    wide = rows < cols
    if wide: a = a.t()
    q, r = torch.linalg.qr(a)
    q = q * torch.diag(r).sign()
    if wide: q = q.t()
    out.write(' '.join(repr(x) for x in q.reshape(-1).tolist()) + '\n')
)";
  const std::string command = python + " " + (dir / "qr.py").string() + " " +
                              (dir / "normal.txt").string() + " " + (dir / "q.txt").string();
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  std::ifstream in(dir / "q.txt");
  for (size_t s = 0; s < kShapes.size(); ++s) {
    SCOPED_TRACE(to_string(kShapes[s]));
    std::string line;
    ASSERT_TRUE(std::getline(in, line));
    std::istringstream fields(line);
    std::vector<double> theirs;
    for (double v; fields >> v;)
      theirs.push_back(v);
    ASSERT_EQ(theirs.size(), ours[s].size());
    double worst = 0.0;
    for (size_t i = 0; i < theirs.size(); ++i)
      worst = std::max(worst, std::abs(ours[s][i] - theirs[i]));
    EXPECT_LE(worst, 1e-6);
  }
}

TEST(OrthogonalInit, RejectsVectorsEmptyShapesAndBadGains) {
  Rng rng(1);
  EXPECT_THROW(orthogonal_values({6}, 1.0, rng), Error);
  EXPECT_THROW(orthogonal_values({0, 4}, 1.0, rng), Error);
  EXPECT_THROW(orthogonal_values({3, 4}, std::nan(""), rng), Error);
}

}  // namespace
}  // namespace aegan
