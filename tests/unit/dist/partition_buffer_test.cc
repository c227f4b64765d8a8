#include "quiver/dist/partition_buffer.h"

#include <arrow/builder.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "quiver/dist/hash_partitioner.h"

namespace quiver::dist {
namespace {

std::shared_ptr<arrow::RecordBatch> Batch(int64_t first, int64_t rows) {
  arrow::Int64Builder builder;
  for (int64_t i = first; i < first + rows; ++i) EXPECT_TRUE(builder.Append(i).ok());
  return arrow::RecordBatch::Make(arrow::schema({arrow::field("x", arrow::int64())}), rows,
                                  {builder.Finish().ValueOrDie()});
}

std::string SpillPath() {
  return (std::filesystem::temp_directory_path() / ("quiver_spill_test_" + std::to_string(::getpid()))).string();
}

TEST(PartitionBuffer, SpillsPastItsBudgetAndGivesBatchesBackInOrder) {
  PartitionBuffer buffer(/*memory_budget=*/10 * 1000, SpillPath());
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(buffer.Push(Batch(i * 1000, 1000)).ok());
  EXPECT_LE(buffer.memory_bytes(), 10 * 1000);
  EXPECT_GT(buffer.spilled_bytes(), 0);
  // More while reading: still after everything before.
  for (int i = 0; i < 10; ++i) {
    auto batch = buffer.Next({});
    ASSERT_TRUE(batch.ok());
    ASSERT_NE(*batch, nullptr);
  }
  for (int i = 20; i < 25; ++i) ASSERT_TRUE(buffer.Push(Batch(i * 1000, 1000)).ok());
  buffer.Finish(arrow::Status::OK());
  int64_t expected = 10 * 1000;
  while (true) {
    auto batch = buffer.Next({});
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    if (!*batch) break;
    auto first = std::static_pointer_cast<arrow::Int64Array>((*batch)->column(0))->Value(0);
    EXPECT_EQ(first, expected);
    expected += 1000;
  }
  EXPECT_EQ(expected, 25 * 1000);
  EXPECT_TRUE(buffer.done());
  EXPECT_EQ(buffer.spilled_bytes(), 0);
}

TEST(PartitionBuffer, AnErrorReachesTheReaderAfterTheBatches) {
  PartitionBuffer buffer(1 << 20, SpillPath());
  ASSERT_TRUE(buffer.Push(Batch(0, 10)).ok());
  buffer.Finish(arrow::Status::IOError("worker grpc://x lost"));
  ASSERT_NE(*buffer.Next({}), nullptr);
  auto failed = buffer.Next({});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().message(), "worker grpc://x lost");
}

TEST(PartitionBuffer, AReaderThatGoesAwayCancels) {
  PartitionBuffer buffer(1 << 20, SpillPath());
  auto result = buffer.Next([] { return true; }, std::chrono::milliseconds(1));
  EXPECT_TRUE(result.status().IsCancelled());
  EXPECT_TRUE(buffer.done());
  EXPECT_TRUE(buffer.Push(Batch(0, 10)).ok());  // dropped
  EXPECT_EQ(buffer.memory_bytes(), 0);
}

TEST(PartitionBuffer, AFinalResultWaitsForItsReaderInsteadOfSpilling) {
  PartitionBuffer buffer(/*memory_budget=*/10 * 1000, SpillPath(), PartitionBuffer::WhenFull::kWaitForReader);
  std::atomic<int> pushed = 0;
  std::thread producer([&] {
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE(buffer.Push(Batch(i * 1000, 1000)).ok());
      ++pushed;
    }
    buffer.Finish(arrow::Status::OK());
  });
  // 8 KB batches: one fits the budget, the second waits (what the task registry asks
  // before it drops a result nobody fetches).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!buffer.producer_waiting() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(buffer.producer_waiting());
  EXPECT_EQ(pushed.load(), 1);
  EXPECT_LE(buffer.memory_bytes(), 10 * 1000);
  int64_t expected = 0;
  while (true) {
    auto batch = buffer.Next({});
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    if (!*batch) break;
    EXPECT_EQ(std::static_pointer_cast<arrow::Int64Array>((*batch)->column(0))->Value(0), expected);
    expected += 1000;
  }
  producer.join();
  EXPECT_FALSE(buffer.producer_waiting());
  EXPECT_EQ(expected, 20 * 1000);
  EXPECT_EQ(buffer.total_spilled_bytes(), 0);
  EXPECT_LE(buffer.peak_memory_bytes(), 10 * 1000);
}

TEST(PartitionBuffer, AWaitingProducerIsReleasedByACancel) {
  PartitionBuffer buffer(/*memory_budget=*/10 * 1000, SpillPath(), PartitionBuffer::WhenFull::kWaitForReader);
  std::thread producer([&] {
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(buffer.Push(Batch(i * 1000, 1000)).ok());  // dropped after the cancel
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  buffer.Cancel();
  producer.join();
  EXPECT_EQ(buffer.memory_bytes(), 0);
  EXPECT_EQ(buffer.total_spilled_bytes(), 0);
}

TEST(HashPartitioner, EqualKeysMeetWhateverTheirIntegerWidth) {
  arrow::Int32Builder narrow;
  arrow::Int64Builder wide;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(narrow.Append(i).ok());
    ASSERT_TRUE(wide.Append(i).ok());
  }
  ASSERT_TRUE(narrow.AppendNull().ok());
  ASSERT_TRUE(wide.AppendNull().ok());
  auto a =
      arrow::RecordBatch::Make(arrow::schema({arrow::field("k", arrow::int32())}), 101, {narrow.Finish().ValueOrDie()});
  auto b =
      arrow::RecordBatch::Make(arrow::schema({arrow::field("k", arrow::int64())}), 101, {wide.Finish().ValueOrDie()});
  HashPartitioner partitioner({"k"}, 4);
  auto pa = partitioner.PartitionsOf(*a).ValueOrDie();
  auto pb = partitioner.PartitionsOf(*b).ValueOrDie();
  EXPECT_EQ(pa, pb);
  std::set<uint32_t> used(pa.begin(), pa.end());
  EXPECT_EQ(used.size(), 4u) << "100 keys spread over all partitions";
  auto parts = partitioner.Split(a).ValueOrDie();
  int64_t rows = 0;
  for (const auto& part : parts) rows += part ? part->num_rows() : 0;
  EXPECT_EQ(rows, 101);
}

TEST(HashPartitioner, DatesAndTimestampsHashByTheirStoredIntegers) {
  arrow::Date32Builder days;
  arrow::TimestampBuilder micros(arrow::timestamp(arrow::TimeUnit::MICRO), arrow::default_memory_pool());
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(days.Append(9000 + i % 10).ok());
    ASSERT_TRUE(micros.Append(int64_t{1700000000000000} + i % 10).ok());
  }
  auto schema =
      arrow::schema({arrow::field("d", arrow::date32()), arrow::field("t", arrow::timestamp(arrow::TimeUnit::MICRO))});
  auto batch = arrow::RecordBatch::Make(schema, 100, {days.Finish().ValueOrDie(), micros.Finish().ValueOrDie()});
  HashPartitioner partitioner({"d", "t"}, 4);
  auto partitions = partitioner.PartitionsOf(*batch);
  ASSERT_TRUE(partitions.ok()) << partitions.status().ToString();
  // Rows i and i + 10 have equal keys, so they meet in one partition.
  for (int i = 0; i + 10 < 100; ++i) EXPECT_EQ((*partitions)[i], (*partitions)[i + 10]);
}

}  // namespace
}  // namespace quiver::dist
