#include "quiver/storage/file_statistics.h"

#include <arrow/builder.h>
#include <arrow/io/file.h>
#include <arrow/scalar.h>
#include <arrow/table.h>
#include <gtest/gtest.h>
#include <parquet/arrow/writer.h>

#include <filesystem>
#include <random>

#include "quiver/storage/scalar_numbers.h"

namespace quiver::storage {
namespace {

class FileStatisticsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("quiver_statistics_test_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // 100,000 rows in 20 row groups:
  //   id      0..99999 ascending (unique, clustered)
  //   bucket  random in 0..999 (scattered)
  //   maybe   id % 10 with every fourth row NULL
  //   label   "k" + (id % 7)
  std::shared_ptr<FileTable> WriteTable() {
    arrow::Int64Builder id, bucket, maybe;
    arrow::StringBuilder label;
    std::mt19937 random(7);
    for (int64_t i = 0; i < 100'000; ++i) {
      EXPECT_TRUE(id.Append(i).ok());
      EXPECT_TRUE(bucket.Append(static_cast<int64_t>(random() % 1000)).ok());
      EXPECT_TRUE((i % 4 == 0 ? maybe.AppendNull() : maybe.Append(i % 10)).ok());
      EXPECT_TRUE(label.Append("k" + std::to_string(i % 7)).ok());
    }
    auto schema = arrow::schema({arrow::field("id", arrow::int64()), arrow::field("bucket", arrow::int64()),
                                 arrow::field("maybe", arrow::int64()), arrow::field("label", arrow::utf8())});
    auto table = arrow::Table::Make(schema, {id.Finish().ValueOrDie(), bucket.Finish().ValueOrDie(),
                                             maybe.Finish().ValueOrDie(), label.Finish().ValueOrDie()});
    auto out = arrow::io::FileOutputStream::Open((dir_ / "data.parquet").string()).ValueOrDie();
    EXPECT_TRUE(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), out, 5'000).ok());
    EXPECT_TRUE(out->Close().ok());
    FileTableSpec spec{"parquet", (dir_ / "data.parquet").string(), {}, nullptr};
    return FileTable::Open(spec).ValueOrDie();
  }

  std::filesystem::path dir_;
};

TEST_F(FileStatisticsTest, FootersGiveRowsRangesAndNulls) {
  auto table = WriteTable();
  auto statistics = GetTableStatistics(*table, {}).ValueOrDie();
  EXPECT_TRUE(statistics.row_count_known);
  EXPECT_EQ(statistics.row_count, 100'000);
  const auto& id = statistics.columns.at("id");
  EXPECT_EQ(*NumberOf(*id.min), 0);
  EXPECT_EQ(*NumberOf(*id.max), 99'999);
  EXPECT_EQ(*id.null_count, 0);
  EXPECT_EQ(*statistics.columns.at("maybe").null_count, 25'000);
  EXPECT_FALSE(id.distinct_count.has_value());  // not asked for
}

TEST_F(FileStatisticsTest, DistinctCountsAreEstimatedWithinAFactorOfTwo) {
  auto table = WriteTable();
  auto statistics = GetTableStatistics(*table, {"id", "bucket", "maybe", "label"}).ValueOrDie();
  auto distinct = [&](const std::string& name) { return *statistics.columns.at(name).distinct_count; };
  // Sorted unique values: a sample of whole row groups sees no repeats at all.
  EXPECT_GT(distinct("id"), 50'000);
  EXPECT_LE(distinct("id"), 100'000);
  EXPECT_GT(distinct("bucket"), 500);
  EXPECT_LT(distinct("bucket"), 2'000);
  EXPECT_EQ(distinct("maybe"), 10);  // NULL is not a value
  EXPECT_EQ(distinct("label"), 7);
}

TEST_F(FileStatisticsTest, RewrittenFilesAreReadAgain) {
  auto table = WriteTable();
  EXPECT_EQ(GetTableStatistics(*table, {}).ValueOrDie().row_count, 100'000);
  // A different file at the same path (other size): the cache must not answer.
  arrow::Int64Builder id;
  ASSERT_TRUE(id.AppendValues({1, 2, 3}).ok());
  auto small = arrow::Table::Make(arrow::schema({arrow::field("id", arrow::int64())}), {id.Finish().ValueOrDie()});
  auto out = arrow::io::FileOutputStream::Open((dir_ / "data.parquet").string()).ValueOrDie();
  ASSERT_TRUE(parquet::arrow::WriteTable(*small, arrow::default_memory_pool(), out).ok());
  ASSERT_TRUE(out->Close().ok());
  EXPECT_EQ(GetTableStatistics(*table, {}).ValueOrDie().row_count, 3);
}

TEST(DistinctEstimator, ScalesSingletonsOnly) {
  // A sample with only repeated values says the column has few values.
  EXPECT_EQ(EstimateDistinctFromSample(1e6, 1e4, 10, 0), 10);
  // All singletons: sqrt(100) times as many.
  EXPECT_EQ(EstimateDistinctFromSample(1e6, 1e4, 1e4, 1e4), 1e5);
  EXPECT_EQ(EstimateDistinctFromSample(100, 100, 42, 3), 42);
}

}  // namespace
}  // namespace quiver::storage
