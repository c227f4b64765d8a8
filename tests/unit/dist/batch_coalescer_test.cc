// Small batches leave a task gathered: rows keep their order, a large batch goes out as
// it is, and what is left goes out at the end.
#include "quiver/dist/batch_coalescer.h"

#include <arrow/array/builder_primitive.h>
#include <arrow/testing/gtest_util.h>
#include <gtest/gtest.h>

namespace quiver::dist {
namespace {

// `rows` rows of x = first, first + 1, …
std::shared_ptr<arrow::RecordBatch> Numbers(int64_t first, int64_t rows) {
  arrow::Int64Builder builder;
  for (int64_t i = 0; i < rows; ++i) ARROW_EXPECT_OK(builder.Append(first + i));
  return arrow::RecordBatch::Make(arrow::schema({arrow::field("x", arrow::int64())}), rows,
                                  {builder.Finish().ValueOrDie()});
}

TEST(BatchCoalescerTest, GathersSmallBatchesInOrder) {
  BatchCoalescer coalescer(arrow::default_memory_pool(), /*min_rows=*/100, /*max_bytes=*/1 << 20);
  ASSERT_OK_AND_ASSIGN(auto out, coalescer.Add(Numbers(0, 40)));
  EXPECT_EQ(out, nullptr);
  ASSERT_OK_AND_ASSIGN(out, coalescer.Add(Numbers(40, 40)));
  EXPECT_EQ(out, nullptr);
  ASSERT_OK_AND_ASSIGN(out, coalescer.Add(Numbers(80, 40)));
  ASSERT_NE(out, nullptr);
  EXPECT_TRUE(out->Equals(*Numbers(0, 120))) << out->ToString();
  // Nothing is left over.
  ASSERT_OK_AND_ASSIGN(out, coalescer.Flush());
  EXPECT_EQ(out, nullptr);

  ASSERT_OK_AND_ASSIGN(out, coalescer.Add(Numbers(0, 10)));
  EXPECT_EQ(out, nullptr);
  ASSERT_OK_AND_ASSIGN(out, coalescer.Flush());
  ASSERT_NE(out, nullptr);
  EXPECT_TRUE(out->Equals(*Numbers(0, 10))) << out->ToString();
}

TEST(BatchCoalescerTest, ALargeBatchGoesOutAsItIs) {
  BatchCoalescer coalescer(arrow::default_memory_pool(), /*min_rows=*/100, /*max_bytes=*/1 << 20);
  auto large = Numbers(0, 500);
  ASSERT_OK_AND_ASSIGN(auto out, coalescer.Add(large));
  EXPECT_EQ(out, large) << "not copied";
  // Behind gathered rows, it joins them: rows stay in order.
  ASSERT_OK_AND_ASSIGN(out, coalescer.Add(Numbers(0, 10)));
  ASSERT_OK_AND_ASSIGN(out, coalescer.Add(Numbers(10, 500)));
  ASSERT_NE(out, nullptr);
  EXPECT_TRUE(out->Equals(*Numbers(0, 510))) << out->ToString();
}

TEST(BatchCoalescerTest, WideRowsGoOutByBytes) {
  BatchCoalescer coalescer(arrow::default_memory_pool(), /*min_rows=*/1000000, /*max_bytes=*/1000);
  ASSERT_OK_AND_ASSIGN(auto out, coalescer.Add(Numbers(0, 100)));  // 800 bytes
  EXPECT_EQ(out, nullptr);
  ASSERT_OK_AND_ASSIGN(out, coalescer.Add(Numbers(100, 100)));
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(out->num_rows(), 200);
}

}  // namespace
}  // namespace quiver::dist
