// Queries stop when whoever reads them goes away, and fail cleanly over the memory
// budget, at the engine level (the Flight server adds only the client's disconnect).
#include <arrow/api.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>

#include "engine_test_util.h"
#include "quiver/exec/memory_budget.h"

namespace quiver::engine {
namespace {

using Clock = std::chrono::steady_clock;

class CancellationAndBudgetTest : public testing::EngineTest {
 protected:
  void TearDown() override {
    exec::SetQueryMemoryLimit(exec::BudgetedMemoryPool::kUnlimited);
    EngineTest::TearDown();
  }

  // A WITH clause of `rows` one-column rows 1..rows.
  static std::string Numbers(int rows) {
    std::string sql = "WITH v(x) AS (VALUES ";
    for (int i = 1; i <= rows; ++i) sql += (i > 1 ? ", (" : "(") + std::to_string(i) + ")";
    return sql + ") ";
  }
};

TEST_F(CancellationAndBudgetTest, InterruptedQueryStopsPromptly) {
  // About a billion candidate rows: far longer than the test waits.
  auto start = Clock::now();
  session_->set_interrupt_check([start] { return Clock::now() - start > std::chrono::milliseconds(300); });
  auto result = session_->Execute(Numbers(1000) + "SELECT count(*) FROM v a, v b, v c WHERE a.x + b.x + c.x < 0");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  std::shared_ptr<arrow::RecordBatch> batch;
  auto status = result->batches->ReadNext(&batch);
  EXPECT_TRUE(status.IsCancelled()) << status.ToString();
  ASSERT_TRUE(result->batches->Close().ok());
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(1500));

  // The session goes on serving.
  session_->set_interrupt_check({});
  EXPECT_EQ(Rows("SELECT 1 + 1"), std::vector<std::string>{"2"});
}

TEST_F(CancellationAndBudgetTest, ClosingTheReaderStopsAQueryMidStream) {
  auto result = session_->Execute(Numbers(1000) + "SELECT a.x, b.x, c.x FROM v a, v b, v c");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  std::shared_ptr<arrow::RecordBatch> batch;
  ASSERT_TRUE(result->batches->ReadNext(&batch).ok());
  ASSERT_NE(batch, nullptr);
  auto start = Clock::now();
  ASSERT_TRUE(result->batches->Close().ok());
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(1000));
}

TEST_F(CancellationAndBudgetTest, QueryOverTheBudgetFailsNamingItAndTheOperator) {
  exec::SetQueryMemoryLimit(4 << 20);
  auto table = Query(Numbers(1000) + "SELECT a.x, b.x FROM v a, v b ORDER BY a.x + b.x, a.x");
  ASSERT_FALSE(table.ok());
  EXPECT_TRUE(table.status().IsOutOfMemory()) << table.status().ToString();
  // Every operator of the plan that holds rows is named: the sort, and the build side
  // of the cross join.
  const std::string& message = table.status().message();
  EXPECT_EQ(message.find("query exceeded the memory limit of 4.0 MiB in one of the operators holding rows: sort ("), 0)
      << message;
  EXPECT_NE(message.find("nested-loop join build"), std::string::npos) << message;
  // Everything the failed query held has been given back.
  EXPECT_EQ(exec::QueryMemoryPool()->bytes_allocated(), 0);
  EXPECT_EQ(Rows(Numbers(3) + "SELECT sum(x) FROM v"), std::vector<std::string>{"6"});
}

}  // namespace
}  // namespace quiver::engine
