#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <utility>
#include <vector>

#include "engine/init.hpp"
#include "engine/ops.hpp"
#include "engine/ops/launch.hpp"
#include "engine/ops/reduce.hpp"
#include "engine/runtime.hpp"

namespace aegan {
namespace {

vk::Stream& stream() {
  return Runtime::get().stream();
}

std::vector<float> download(const Tensor& t, int64_t first, int64_t count) {
  std::vector<float> values(static_cast<size_t>(count));
  stream().download(t.allocation(), static_cast<VkDeviceSize>(first) * 4, values.data(),
                    values.size() * 4);
  return values;
}

TEST(Stream, TensorLargerThanStorageBufferRange) {
  const vk::DeviceInfo& device = Runtime::get().device();
  // Past the range (lavapipe: 128 MiB) when that is affordable, else still a large tensor.
  constexpr uint64_t kMiB = 1ull << 20;
  const uint64_t bytes = device.max_storage_buffer_range + 4 * kMiB <= 1024 * kMiB
                             ? std::max(device.max_storage_buffer_range + 4 * kMiB, 136 * kMiB)
                             : 136 * kMiB;
  const int64_t n = static_cast<int64_t>(bytes / 4);
  constexpr int64_t kEnd = 1024;
  std::vector<float> ramp(kEnd);
  std::iota(ramp.begin(), ramp.end(), 2.0f);
  Tensor x, y;
  try {
    x = Tensor::full({n}, 1.0f);
    // Distinct values at both ends, so an index that wraps or is cut off shows.
    stream().upload(x.allocation(), 0, ramp.data(), kEnd * 4);
    stream().upload(x.allocation(), static_cast<VkDeviceSize>(n - kEnd) * 4, ramp.data(), kEnd * 4);
    y = ops::mul(x, x);
  } catch (const Error& error) {
    GTEST_SKIP() << "cannot allocate two tensors of " << bytes / kMiB << " MiB: " << error.what();
  }
  const auto head = download(y, 0, kEnd), tail = download(y, n - kEnd, kEnd);
  for (int64_t i = 0; i < kEnd; ++i) {
    ASSERT_EQ(head[i], ramp[i] * ramp[i]) << i;
    ASSERT_EQ(tail[i], ramp[i] * ramp[i]) << n - kEnd + i;
  }
  // Every element is an integer and every partial sum of the tree is exact in float32.
  const double ramp_sum = std::accumulate(ramp.begin(), ramp.end(), 0.0);
  EXPECT_EQ(ops::sum(x).item(), static_cast<float>(double(n - 2 * kEnd) + 2 * ramp_sum));

  x = Tensor();
  y = Tensor();
  stream().finish();
  Runtime::get().memory().trim();
}

TEST(Stream, SmallDispatchesAreBatchedIntoFewSubmissions) {
  constexpr int kDispatches = 2000;
  const Tensor one = Tensor::full({61}, 1.0f);
  Tensor x = Tensor::zeros({61});
  stream().finish();
  const uint64_t submissions = stream().submissions(), dispatches = stream().dispatches();
  for (int i = 0; i < kDispatches; ++i)
    x = ops::add(x, one);
  stream().flush();
  EXPECT_EQ(stream().dispatches() - dispatches, kDispatches);
  const uint64_t submitted = stream().submissions() - submissions;
  EXPECT_GE(submitted, 1u);
  EXPECT_LE(submitted, kDispatches / 100);
  for (float value : x.to_host())
    ASSERT_EQ(value, float(kDispatches));
}

// Several results come back with one wait: a finish() with nothing outstanding waits for
// nothing and is not counted.
TEST(Stream, ItemsOfSeveralTensorsAreReadWithOneWait) {
  const Tensor one = Tensor::full({1}, 1.0f);
  std::vector<Tensor> values{ops::add(one, one), Tensor::full({1}, -3.5f), ops::scale(one, 0.25f)};
  const uint64_t waits = stream().host_waits();
  EXPECT_EQ(Tensor::items(values), (std::vector<float>{2.0f, -3.5f, 0.25f}));
  EXPECT_EQ(stream().host_waits() - waits, 1u);
  stream().finish();
  EXPECT_EQ(stream().host_waits() - waits, 1u);
  EXPECT_EQ(values[0].item(), 2.0f);
  EXPECT_EQ(stream().host_waits() - waits, 2u);
  EXPECT_THROW(Tensor::items(std::vector<Tensor>{Tensor::zeros({2})}), Error);
}

TEST(Stream, LaterDownloadsArriveWhileWorkGoesOn) {
  Tensor x = ops::scale(Tensor::full({5}, 2.0f), 1.5f);
  const Tensor y = Tensor::full({3}, -1.0f);
  const uint64_t waits = stream().host_waits();
  Tensor::Later first = Tensor::download_later({x, y});
  // Overwriting x after the download started must not change what it reads.
  x.fill(9.0f);
  Tensor::Later second = Tensor::download_later({x});
  // More work than the stream's command buffers hold, so their slots are reused meanwhile.
  Tensor z = Tensor::full({4}, 0.0f);
  for (int i = 0; i < 2000; ++i)
    z = ops::add(z, Tensor::full({4}, 1.0f));
  Tensor::Later third = Tensor::download_later({z});
  (void)first.arrived();
  (void)third.arrived();
  EXPECT_EQ(stream().host_waits(), waits) << "arrived() waited for the device";
  EXPECT_EQ(third.values(), std::vector<float>(4, 2000.0f));
  EXPECT_EQ(second.values(), std::vector<float>(5, 9.0f));
  std::vector<float> expected(5, 3.0f);
  expected.insert(expected.end(), 3, -1.0f);
  EXPECT_EQ(first.values(), expected);
  EXPECT_TRUE(first.arrived());
  stream().finish();
  Tensor::Later fourth = Tensor::download_later({y});
  stream().finish();
  const uint64_t after_finish = stream().host_waits();
  EXPECT_TRUE(fourth.arrived());
  EXPECT_EQ(fourth.values(), std::vector<float>(3, -1.0f));
  EXPECT_EQ(stream().host_waits(), after_finish);
}

// x_t = x_{t-1} - x_{t-2}, bounded small integers, so exact. Each op reads the two latest
// results (read after write) and its output lands in memory freed by x_{t-3}, which a pending
// op may still read (write after read); the chain spans several submissions.
TEST(Stream, LongDependencyChainsStayOrdered) {
  constexpr int kSteps = 700;
  constexpr int64_t n = 4099;
  std::vector<float> previous(n), current(n);
  for (int64_t i = 0; i < n; ++i) {
    previous[i] = float(i % 7);
    current[i] = float(i % 11) - 5.0f;
  }
  Tensor a = Tensor::from_host({n}, previous), b = Tensor::from_host({n}, current);
  stream().finish();
  const uint64_t submissions = stream().submissions();
  for (int step = 0; step < kSteps; ++step) {
    Tensor next = ops::sub(b, a);
    a = b;
    b = next;
    for (int64_t i = 0; i < n; ++i)
      previous[i] = std::exchange(current[i], current[i] - previous[i]);
  }
  EXPECT_EQ(b.to_host(), current);
  EXPECT_EQ(a.to_host(), previous);
  EXPECT_GE(stream().submissions() - submissions, 2u);
}

TEST(Stream, FreedMemoryIsReused) {
  vk::MemoryPool& memory = Runtime::get().memory();
  stream().finish();
  const vk::MemoryStats before = memory.stats();
  const Shape shape{3, 1 << 18};  // 3 MiB
  {
    Tensor a = Tensor::full(shape, 2.0f);
    EXPECT_GE(memory.stats().bytes_in_use, before.bytes_in_use + a.bytes());
  }
  EXPECT_EQ(memory.stats().bytes_in_use, before.bytes_in_use);
  vk::MemoryStats warm;
  for (int i = 0; i < 10; ++i) {
    if (i == 1) warm = memory.stats();  // the first pass may have needed a new block
    Tensor a = Tensor::full(shape, float(i));
    Tensor b = ops::scale(a, 2.0f);  // a's memory is written again next pass: needs ordering
    EXPECT_EQ(ops::sum(b).item(), 2.0f * float(i) * float(a.numel())) << i;
  }
  EXPECT_EQ(memory.stats().bytes_in_use, before.bytes_in_use);
  EXPECT_EQ(memory.stats().bytes_reserved, warm.bytes_reserved);
  EXPECT_EQ(memory.stats().blocks, warm.blocks);
}

TEST(Stream, BarriersOnlyBetweenDependentCommands) {
  // Reads through texel views count as reads of whole memory blocks (see vk::TexelRead), which
  // orders more than this test is about.
  struct Restore {
    bool before = ops::allow_texel_reads(false);
    ~Restore() { ops::allow_texel_reads(before); }
  } restore;
  const Tensor a = Tensor::full({1000}, 1.0f), b = Tensor::full({1000}, 2.0f);
  stream().finish();  // nothing is in flight: no earlier access can conflict
  const uint64_t barriers = stream().barriers();
  const Tensor x = ops::scale(a, 3.0f);
  const Tensor y = ops::scale(b, 5.0f);
  const Tensor z = ops::scale(a, 7.0f);  // a read twice: reads do not conflict
  EXPECT_EQ(stream().barriers(), barriers);
  const Tensor sum = ops::add(x, y);  // reads what the two scales wrote
  EXPECT_EQ(stream().barriers(), barriers + 1);
  const Tensor w = ops::add(z, b);  // z was written before that barrier: already ordered
  EXPECT_EQ(stream().barriers(), barriers + 1);
  EXPECT_EQ(sum.to_host(), std::vector<float>(1000, 13.0f));
  EXPECT_EQ(w.to_host(), std::vector<float>(1000, 9.0f));
}

// A forward and backward pass over ops with reductions, from a fixed seed.
std::vector<float> run_sequence() {
  Rng rng(5);
  Tensor x = uniform({2, 3, 67, 129}, -1.0f, 1.0f, rng);
  Tensor w = uniform({2, 3, 67, 129}, -1.0f, 1.0f, rng);
  w.set_requires_grad(true);
  Tensor h = ops::tanh(ops::mul(x, w));
  Tensor loss = ops::mean(ops::mul(h, ops::sigmoid(ops::add(h, x))));
  loss.backward();
  std::vector<float> result = w.grad().to_host();
  const auto channels = ops::sum_per_channel(h).to_host();
  result.insert(result.end(), channels.begin(), channels.end());
  result.push_back(loss.item());
  return result;
}

TEST(Stream, SameOpsGiveBitwiseIdenticalResults) {
  const auto first = run_sequence();
  const auto second = run_sequence();
  ASSERT_EQ(first.size(), second.size());
  EXPECT_EQ(std::memcmp(first.data(), second.data(), first.size() * sizeof(float)), 0);
}

}  // namespace
}  // namespace aegan
