#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "nets/train/gradient_sync.hpp"
#include "nets/train/ranks.hpp"
#include "tests/engine/ops/device_grad.hpp"

namespace aegan {
namespace {

namespace ref = reference;
using test::close;

// The rows [begin, begin + count) of a batch-major reference tensor.
ref::Tensor rows(const ref::Tensor& t, int64_t begin, int64_t count) {
  const size_t row = t.data.size() / static_cast<size_t>(t.shape[0]);
  std::vector<int64_t> shape = t.shape;
  shape[0] = count;
  return ref::Tensor(
      shape, std::vector<double>(t.data.begin() + static_cast<ptrdiff_t>(begin * row),
                                 t.data.begin() + static_cast<ptrdiff_t>((begin + count) * row)));
}

// Zero outside rows [begin, begin + count): the upstream gradient of one part's loss alone.
ref::Tensor only_rows(const ref::Tensor& t, int64_t begin, int64_t count) {
  ref::Tensor out(t.shape);
  const size_t row = t.data.size() / static_cast<size_t>(t.shape[0]);
  for (size_t i = static_cast<size_t>(begin) * row; i < static_cast<size_t>(begin + count) * row;
       ++i)
    out.data[i] = t.data[i];
  return out;
}

// `parts` micro-batches of one step, each normalising its rows of x with --sync-bn, against the
// reference over the whole batch: the same output, running statistics and input gradient (of
// the sum of every part's loss), and each part's own weight and bias gradients.
void expect_parts_normalise_as_one_batch(const Shape& whole, int parts, uint64_t seed) {
  const int64_t each = whole[0] / parts;
  const Shape c{whole[1]};
  const ref::Tensor x = test::random(whole, seed, -2.0, 3.0);
  const ref::Tensor r = test::random(whole, seed + 1);
  const ref::Tensor gamma = test::random(c, seed + 2, 0.5, 1.5);
  const ref::Tensor beta = test::random(c, seed + 3, -0.5, 0.5);
  const ref::Tensor mean0 = test::random(c, seed + 4, -0.2, 0.2);
  const ref::Tensor var0 = test::random(c, seed + 5, 0.5, 2.0);

  struct Result {
    Tensor y, dx, dgamma, dbeta, running_mean, running_var;
  };
  std::vector<Result> got(static_cast<size_t>(parts));
  std::vector<std::function<void()>> steps;
  for (int k = 0; k < parts; ++k) {
    steps.emplace_back([&, k] {
      Tensor xk = test::leaf(rows(x, k * each, each));
      Tensor g = test::leaf(gamma), b = test::leaf(beta);
      Result& out = got[static_cast<size_t>(k)];
      out.running_mean = test::to_device(mean0);
      out.running_var = test::to_device(var0);
      out.y = ops::batch_norm2d(xk, g, b, out.running_mean, out.running_var, true);
      test::backward_with(out.y, rows(r, k * each, each));
      out.dx = xk.grad();
      out.dgamma = g.grad();
      out.dbeta = b.grad();
    });
  }
  train::GradientSync sync(parts, train::Ranks::world(), true, 0);
  sync.run(steps);

  const auto forward = ref::batch_norm2d_train(x, gamma, beta);
  ref::Tensor want_mean = mean0, want_var = var0;
  ref::batch_norm2d_update_running(want_mean, want_var, forward, x.numel() / whole[1]);
  const auto backward = ref::batch_norm2d_train_backward(x, gamma, r);
  for (int k = 0; k < parts; ++k) {
    SCOPED_TRACE("part " + std::to_string(k));
    const Result& out = got[static_cast<size_t>(k)];
    EXPECT_TRUE(close(out.y, rows(forward.y, k * each, each)));
    EXPECT_TRUE(close(out.running_mean, want_mean));
    EXPECT_TRUE(close(out.running_var, want_var));
    EXPECT_TRUE(close(out.dx, rows(backward.x, k * each, each)));
    const auto own = ref::batch_norm2d_train_backward(x, gamma, only_rows(r, k * each, each));
    EXPECT_TRUE(close(out.dgamma, own.gamma));
    EXPECT_TRUE(close(out.dbeta, own.beta));
  }
}

TEST(SyncBatchNorm, MicroBatchesNormaliseAsOneBatch) {
  expect_parts_normalise_as_one_batch({6, 5, 6, 7}, 3, 7000);
  // Batch 1 per part, and channels of several chunks with a partial last one.
  expect_parts_normalise_as_one_batch({2, 3, 67, 71}, 2, 7100);
}

TEST(SyncBatchNorm, WithoutItEachMicroBatchHasItsOwnStatistics) {
  // The same two micro-batches without sync: part 0's output is batch norm over its own rows.
  const Shape whole{4, 3, 5, 5};
  const ref::Tensor x = test::random(whole, 7200, -2.0, 3.0);
  const ref::Tensor gamma = test::random({3}, 7201, 0.5, 1.5);
  const ref::Tensor beta = test::random({3}, 7202, -0.5, 0.5);
  Tensor y0;
  std::vector<std::function<void()>> steps;
  for (int k = 0; k < 2; ++k) {
    steps.emplace_back([&, k] {
      Tensor y = ops::batch_norm2d(test::to_device(rows(x, k * 2, 2)), test::to_device(gamma),
                                   test::to_device(beta), test::to_device(ref::Tensor({3})),
                                   test::to_device(ref::Tensor({3}, 1.0)), true);
      if (k == 0) y0 = y;
    });
  }
  train::GradientSync sync(2, train::Ranks::world(), false, 0);
  sync.run(steps);
  EXPECT_TRUE(close(y0, ref::batch_norm2d_train(rows(x, 0, 2), gamma, beta).y));
}

}  // namespace
}  // namespace aegan
