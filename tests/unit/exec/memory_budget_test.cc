#include "quiver/exec/memory_budget.h"

#include <arrow/acero/options.h>
#include <arrow/buffer.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "quiver/exec/blocking_operators.h"

namespace quiver::exec {
namespace {

TEST(BudgetedMemoryPoolTest, CountsAllocationsAndFrees) {
  BudgetedMemoryPool pool(arrow::default_memory_pool(), 1 << 20);
  uint8_t* a = nullptr;
  uint8_t* b = nullptr;
  ASSERT_TRUE(pool.Allocate(1000, &a).ok());
  ASSERT_TRUE(pool.Allocate(3000, &b).ok());
  EXPECT_EQ(pool.bytes_allocated(), 4000);
  EXPECT_EQ(pool.num_allocations(), 2);
  pool.Free(a, 1000);
  EXPECT_EQ(pool.bytes_allocated(), 3000);
  pool.Free(b, 3000);
  EXPECT_EQ(pool.bytes_allocated(), 0);
  EXPECT_EQ(pool.max_memory(), 4000);
  EXPECT_EQ(pool.total_bytes_allocated(), 4000);
}

TEST(BudgetedMemoryPoolTest, RefusesWhatWouldCrossTheLimitAndNamesIt) {
  BudgetedMemoryPool pool(arrow::default_memory_pool(), 64 << 20);
  uint8_t* held = nullptr;
  ASSERT_TRUE(pool.Allocate(60 << 20, &held).ok());
  uint8_t* more = nullptr;
  auto status = pool.Allocate(8 << 20, &more);
  ASSERT_TRUE(status.IsOutOfMemory()) << status.ToString();
  EXPECT_TRUE(IsMemoryLimitError(status));
  EXPECT_EQ(status.message(),
            "query exceeded the memory limit of 64.0 MiB (60.0 MiB in use by running queries, 8.0 MiB more "
            "requested)");
  // The refusal took nothing; what fits still fits.
  EXPECT_EQ(pool.bytes_allocated(), 60 << 20);
  ASSERT_TRUE(pool.Allocate(4 << 20, &more).ok());
  pool.Free(more, 4 << 20);
  pool.Free(held, 60 << 20);
  EXPECT_EQ(pool.bytes_allocated(), 0);
}

TEST(BudgetedMemoryPoolTest, ReallocateCountsTheDifference) {
  BudgetedMemoryPool pool(arrow::default_memory_pool(), 10000);
  uint8_t* data = nullptr;
  ASSERT_TRUE(pool.Allocate(4000, &data).ok());
  ASSERT_TRUE(pool.Reallocate(4000, 9000, &data).ok());
  EXPECT_EQ(pool.bytes_allocated(), 9000);
  EXPECT_TRUE(pool.Reallocate(9000, 12000, &data).IsOutOfMemory());
  EXPECT_EQ(pool.bytes_allocated(), 9000);
  ASSERT_TRUE(pool.Reallocate(9000, 100, &data).ok());
  EXPECT_EQ(pool.bytes_allocated(), 100);
  pool.Free(data, 100);
  EXPECT_EQ(pool.bytes_allocated(), 0);
}

TEST(BudgetedMemoryPoolTest, BuffersGiveTheirBytesBackWhenReleased) {
  BudgetedMemoryPool pool(arrow::default_memory_pool(), 1 << 20);
  {
    auto buffer = arrow::AllocateBuffer(100000, &pool).ValueOrDie();
    EXPECT_GE(pool.bytes_allocated(), 100000);
    EXPECT_TRUE(arrow::AllocateBuffer(1 << 20, &pool).status().IsOutOfMemory());
  }
  EXPECT_EQ(pool.bytes_allocated(), 0);
  EXPECT_TRUE(arrow::AllocateBuffer(1 << 20, &pool).ok());
}

// Many threads allocating and freeing at once never hold more than the limit
// together, and the count returns to zero.
TEST(BudgetedMemoryPoolTest, ConcurrentAllocationsStayUnderTheLimit) {
  constexpr int64_t kLimit = 1 << 20;
  constexpr int64_t kSize = 100 << 10;
  BudgetedMemoryPool pool(arrow::default_memory_pool(), kLimit);
  std::atomic<int64_t> granted{0};
  std::atomic<int64_t> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        uint8_t* data = nullptr;
        if (!pool.Allocate(kSize, &data).ok()) {
          refused.fetch_add(1);
          continue;
        }
        granted.fetch_add(1);
        EXPECT_LE(pool.bytes_allocated(), kLimit);
        data[0] = 1;
        pool.Free(data, kSize);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(granted.load() + refused.load(), 8 * 2000);
  EXPECT_GT(granted.load(), 0);
  EXPECT_EQ(pool.bytes_allocated(), 0);
  EXPECT_LE(pool.max_memory(), kLimit);
}

TEST(BudgetedMemoryPoolTest, LimitCanChangeWhileAllocationsAreHeld) {
  BudgetedMemoryPool pool(arrow::default_memory_pool());
  uint8_t* data = nullptr;
  ASSERT_TRUE(pool.Allocate(5000, &data).ok());
  pool.set_limit(4000);
  uint8_t* more = nullptr;
  EXPECT_TRUE(pool.Allocate(1, &more).IsOutOfMemory());
  pool.Free(data, 5000);
  ASSERT_TRUE(pool.Allocate(4000, &more).ok());
  pool.Free(more, 4000);
}

TEST(MemoryBudgetTest, FormatsSizes) {
  EXPECT_EQ(FormatByteSize(512), "512 bytes");
  EXPECT_EQ(FormatByteSize(64 << 20), "64.0 MiB");
  EXPECT_EQ(FormatByteSize(int64_t{3} << 29), "1.5 GiB");
}

TEST(MemoryBudgetTest, AttributionGoesAfterTheLimit) {
  auto status = arrow::Status::OutOfMemory("query exceeded the memory limit of 64.0 MiB (1 in use)");
  EXPECT_EQ(AttributeMemoryLimitError(status, "the sort (Sort: x)").message(),
            "query exceeded the memory limit of 64.0 MiB in the sort (Sort: x) (1 in use)");
  EXPECT_EQ(AttributeMemoryLimitError(status, "").message(),
            "query exceeded the memory limit of 64.0 MiB while streaming rows (no operator of this plan holds "
            "rows) (1 in use)");
  // Other statuses pass unchanged.
  auto other = arrow::Status::OutOfMemory("malloc failed");
  EXPECT_EQ(AttributeMemoryLimitError(other, "the sort").message(), "malloc failed");
}

TEST(BlockingOperatorsTest, NamesTheOperatorsThatHoldRows) {
  namespace ac = arrow::acero;
  // Only names, labels and aggregate options are read; the plans are never built.
  auto none = std::make_shared<ac::ExecNodeOptions>();
  auto source = [&] { return ac::Declaration("table_source", {}, none, "Values"); };
  ac::Declaration sort("order_by", {source()}, none, "Sort: a");
  EXPECT_EQ(DescribeBlockingOperators(sort), "the sort (Sort: a)");

  ac::Declaration join("hashjoin", {source(), sort}, none, "HashJoin a = b");
  EXPECT_EQ(DescribeBlockingOperators(join),
            "one of the operators holding rows: hash join build (HashJoin a = b), sort (Sort: a)");

  // An aggregate without keys keeps one value per aggregate.
  auto count = std::make_shared<ac::AggregateNodeOptions>(std::vector<arrow::compute::Aggregate>{{"count_all", "n"}});
  ac::Declaration total("aggregate", {source()}, std::shared_ptr<ac::ExecNodeOptions>(count), "count");
  EXPECT_EQ(DescribeBlockingOperators(total), "");
  auto grouped = std::make_shared<ac::AggregateNodeOptions>(
      std::vector<arrow::compute::Aggregate>{{"hash_count_all", "n"}}, std::vector<arrow::FieldRef>{"k"});
  ac::Declaration groups("aggregate", {source()}, std::shared_ptr<ac::ExecNodeOptions>(grouped), "group by k");
  EXPECT_EQ(DescribeBlockingOperators(groups), "the aggregate (group by k)");
}

}  // namespace
}  // namespace quiver::exec
