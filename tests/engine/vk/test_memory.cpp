#include <gtest/gtest.h>

#include "engine/runtime.hpp"

namespace aegan::vk {
namespace {

TEST(MemoryPool, SuballocatesAlignedRangesFromOneBlock) {
  MemoryPool pool(Runtime::get().context(), MemoryKind::device);
  Allocation a = pool.allocate(100);
  Allocation b = pool.allocate(1000);
  EXPECT_EQ(a.buffer, b.buffer);  // one VkBuffer per block, not per tensor
  EXPECT_EQ(a.address % 256, 0u);
  EXPECT_EQ(b.address % 256, 0u);
  EXPECT_GE(b.address, a.address + 100);
  EXPECT_EQ(pool.stats().blocks, 1u);
  pool.free(a);
  pool.free(b);
  EXPECT_EQ(pool.stats().bytes_in_use, 0u);
}

TEST(MemoryPool, FreedNeighboursCoalesce) {
  MemoryPool pool(Runtime::get().context(), MemoryKind::device);
  Allocation a = pool.allocate(1 << 20);
  Allocation b = pool.allocate(1 << 20);
  Allocation c = pool.allocate(1 << 20);
  pool.free(a);
  pool.free(b);
  // Only a coalesced range of a and b can hold 2 MiB without a new block.
  Allocation both = pool.allocate(2 << 20);
  EXPECT_EQ(both.address, a.address);
  EXPECT_EQ(pool.stats().blocks, 1u);
  pool.free(both);
  pool.free(c);
  pool.trim();
  EXPECT_EQ(pool.stats().blocks, 0u);
  EXPECT_EQ(pool.stats().bytes_reserved, 0u);
}

TEST(MemoryPool, LargeRequestsGetTheirOwnBlock) {
  MemoryPool pool(Runtime::get().context(), MemoryKind::device);
  Allocation small = pool.allocate(4096);
  Allocation large = pool.allocate(100ull << 20);
  EXPECT_NE(small.buffer, large.buffer);
  EXPECT_GE(pool.stats().bytes_reserved, (100ull << 20) + 4096);
  EXPECT_EQ(pool.stats().peak_bytes_in_use, (100ull << 20) + 4096);
  pool.free(small);
  pool.free(large);
}

TEST(MemoryPool, StagingMemoryIsMapped) {
  MemoryPool pool(Runtime::get().context(), MemoryKind::upload);
  Allocation a = pool.allocate(64);
  ASSERT_NE(a.mapped, nullptr);
  static_cast<char*>(a.mapped)[63] = 1;
  pool.free(a);
}

TEST(MemoryPool, DoubleFreeIsDetected) {
  MemoryPool pool(Runtime::get().context(), MemoryKind::device);
  Allocation a = pool.allocate(64);
  pool.free(a);
  EXPECT_THROW(pool.free(a), Error);
}

}  // namespace
}  // namespace aegan::vk
