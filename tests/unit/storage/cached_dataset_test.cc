#include "quiver/storage/cached_dataset.h"

#include <arrow/builder.h>
#include <arrow/compute/api_scalar.h>
#include <arrow/compute/cast.h>
#include <arrow/compute/initialize.h>
#include <arrow/dataset/scanner.h>
#include <arrow/io/file.h>
#include <arrow/table.h>
#include <arrow/util/async_generator.h>
#include <gtest/gtest.h>
#include <parquet/arrow/writer.h>

#include <filesystem>
#include <thread>

#include "quiver/storage/decoded_column_cache.h"
#include "quiver/storage/file_table.h"

namespace quiver::storage {
namespace {

namespace cp = arrow::compute;
namespace ds = arrow::dataset;

class CachedDatasetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(cp::Initialize().ok());
    dir_ = std::filesystem::temp_directory_path() / ("quiver_cached_dataset_test_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // 300 rows in row groups of 100: a = first..first+299, s = a long string of a.
  void WriteFile(int64_t first) {
    arrow::Int64Builder numbers;
    arrow::StringBuilder strings;
    for (int64_t i = first; i < first + 300; ++i) {
      ASSERT_TRUE(numbers.Append(i).ok());
      ASSERT_TRUE(strings.Append("row number " + std::to_string(i) + " of the test file").ok());
    }
    auto table =
        arrow::Table::Make(arrow::schema({arrow::field("a", arrow::int64()), arrow::field("s", arrow::utf8())}),
                           arrow::ArrayVector{*numbers.Finish(), *strings.Finish()});
    auto out = *arrow::io::FileOutputStream::Open((dir_ / "t.parquet").string());
    ASSERT_TRUE(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), out, /*chunk_size=*/100).ok());
    ASSERT_TRUE(out->Close().ok());
  }

  // The rows of `columns` (and those matching `filter`), through the cache.
  std::shared_ptr<arrow::Table> Scan(const std::vector<std::string>& columns,
                                     cp::Expression filter = cp::literal(true)) {
    auto table = FileTable::Open({"parquet", dir_.string(), {}, nullptr});
    EXPECT_TRUE(table.ok()) << table.status().ToString();
    auto cached = CachedDataset((*table)->dataset());
    EXPECT_TRUE(cached.ok());
    ds::ScannerBuilder builder(*cached);
    EXPECT_TRUE(builder.Project(columns).ok());
    EXPECT_TRUE(builder.Filter(filter).ok());
    auto rows = (*builder.Finish())->ToTable();
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return *rows;
  }

  // Column `column` of every cached row group, asked for in `type`.
  std::shared_ptr<arrow::Table> ScanAs(const std::string& column, const std::shared_ptr<arrow::DataType>& type) {
    auto table = FileTable::Open({"parquet", dir_.string(), {}, nullptr});
    EXPECT_TRUE(table.ok()) << table.status().ToString();
    auto cached = *CachedDataset((*table)->dataset());
    auto fields = cached->schema()->fields();
    for (auto& field : fields) {
      if (field->name() == column) field = field->WithType(type);
    }
    auto options = std::make_shared<ds::ScanOptions>();
    options->dataset_schema = arrow::schema(fields);
    options->projection = *cp::project({cp::field_ref(column)}, {column}).Bind(*options->dataset_schema);
    arrow::RecordBatchVector batches;
    for (auto fragment : *cached->GetFragments()) {
      auto generator = (*fragment)->ScanBatchesAsync(options);
      EXPECT_TRUE(generator.ok()) << generator.status().ToString();
      auto read = arrow::CollectAsyncGenerator(*generator).result();
      EXPECT_TRUE(read.ok()) << read.status().ToString();
      batches.insert(batches.end(), read->begin(), read->end());
    }
    return *arrow::Table::FromRecordBatches(arrow::schema({arrow::field(column, type)}), batches);
  }

  static int64_t Sum(const arrow::Table& table, const std::string& column) {
    int64_t sum = 0;
    for (const auto& chunk : table.GetColumnByName(column)->chunks()) {
      const auto& values = static_cast<const arrow::Int64Array&>(*chunk);
      for (int64_t i = 0; i < values.length(); ++i) sum += values.Value(i);
    }
    return sum;
  }

  std::filesystem::path dir_;
};

TEST_F(CachedDatasetTest, ASecondScanReadsTheColumnsFromMemory) {
  WriteFile(0);
  auto& cache = DecodedColumnCache::Instance();
  const auto before = cache.counters();
  auto first = Scan({"a"});
  ASSERT_EQ(first->num_rows(), 300);
  EXPECT_EQ(Sum(*first, "a"), 299 * 300 / 2);
  const auto filled = cache.counters();
  EXPECT_EQ(filled.misses - before.misses, 3);  // one column of three row groups
  EXPECT_EQ(filled.hits - before.hits, 0);

  auto second = Scan({"a"});
  EXPECT_TRUE(second->Equals(*first));
  const auto reread = cache.counters();
  EXPECT_EQ(reread.hits - filled.hits, 3);
  EXPECT_EQ(reread.misses - filled.misses, 0);

  // A new column is read and kept beside the cached one.
  auto both = Scan({"a", "s"});
  ASSERT_EQ(both->num_rows(), 300);
  // The strings are dictionary-encoded in the file and read as a dictionary.
  auto strings = cp::Cast(both->GetColumnByName("s"), arrow::utf8()).ValueOrDie().chunked_array();
  auto last = strings->GetScalar(299).ValueOrDie();
  EXPECT_EQ(static_cast<const arrow::StringScalar&>(*last).view(), "row number 299 of the test file");
  const auto widened = cache.counters();
  EXPECT_EQ(widened.hits - reread.hits, 3);
  EXPECT_EQ(widened.misses - reread.misses, 3);
}

TEST_F(CachedDatasetTest, AColumnWantedInAnotherTypeIsKeptConverted) {
  WriteFile(0);
  auto& cache = DecodedColumnCache::Instance();
  // The file's strings are read as a dictionary; a scan wanting utf8 keeps utf8.
  auto first = ScanAs("s", arrow::utf8());
  ASSERT_EQ(first->num_rows(), 300);
  const auto filled = cache.counters();
  auto second = ScanAs("s", arrow::utf8());
  EXPECT_TRUE(second->Equals(*first));
  const auto reread = cache.counters();
  EXPECT_EQ(reread.hits - filled.hits, 3);
  EXPECT_EQ(reread.misses - filled.misses, 0);
  auto last = second->column(0)->GetScalar(299).ValueOrDie();
  EXPECT_EQ(static_cast<const arrow::StringScalar&>(*last).view(), "row number 299 of the test file");

  // Both forms are kept side by side.
  auto as_read = Scan({"s"});
  EXPECT_TRUE(as_read->schema()->field(0)->type()->id() == arrow::Type::DICTIONARY);
  EXPECT_EQ(cache.counters().misses - reread.misses, 3);
  const auto both = cache.counters();
  Scan({"s"});
  ScanAs("s", arrow::utf8());
  EXPECT_EQ(cache.counters().hits - both.hits, 6);
  EXPECT_EQ(cache.counters().misses - both.misses, 0);
}

TEST_F(CachedDatasetTest, AColumnCachedAsReadIsConvertedWithoutReadingTheFile) {
  WriteFile(0);
  auto& cache = DecodedColumnCache::Instance();
  Scan({"s"});
  const auto before = cache.counters();
  auto converted = ScanAs("s", arrow::utf8());
  ASSERT_EQ(converted->num_rows(), 300);
  // Per row group: utf8 missing, the dictionary found and converted.
  EXPECT_EQ(cache.counters().misses - before.misses, 3);
  EXPECT_EQ(cache.counters().hits - before.hits, 3);
  const auto after = cache.counters();
  ScanAs("s", arrow::utf8());
  EXPECT_EQ(cache.counters().hits - after.hits, 3);
  EXPECT_EQ(cache.counters().misses - after.misses, 0);
}

TEST_F(CachedDatasetTest, StatisticsStillRuleRowGroupsOut) {
  WriteFile(0);
  Scan({"a"});
  const auto before = DecodedColumnCache::Instance().counters();
  auto rows = Scan({"a"}, cp::greater_equal(cp::field_ref("a"), cp::literal(int64_t{250})));
  // The scanner filters rows too; the cache saw one row group only.
  EXPECT_EQ(rows->num_rows(), 50);
  EXPECT_EQ(DecodedColumnCache::Instance().counters().hits - before.hits, 1);
}

TEST_F(CachedDatasetTest, ARewrittenFileIsReadAgain) {
  WriteFile(0);
  Scan({"a"});
  // A later modification time, whatever the file system's resolution.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  WriteFile(1000);
  std::filesystem::last_write_time(dir_ / "t.parquet", std::filesystem::file_time_type::clock::now());
  auto rows = Scan({"a"});
  EXPECT_EQ(Sum(*rows, "a"), 300 * 1000 + 299 * 300 / 2);
}

TEST(DecodedColumnCache, EvictsTheLeastRecentlyUsedPastItsCapacity) {
  auto& cache = DecodedColumnCache::Instance();
  const int64_t capacity = cache.capacity_bytes();
  cache.set_capacity_bytes(2 * 8000);
  arrow::Int64Builder builder;
  ASSERT_TRUE(builder.AppendEmptyValues(1000).ok());  // 8000 bytes
  auto column = std::make_shared<arrow::ChunkedArray>(*builder.Finish());
  auto key = [](int group) { return CachedColumnKey{"/lru", 1, 1, group, "x"}; };
  cache.Insert(key(0), column);
  cache.Insert(key(1), column);
  EXPECT_NE(cache.Find(key(0), *arrow::int64()), nullptr);  // 0 is now the more recent
  cache.Insert(key(2), column);
  EXPECT_EQ(cache.Find(key(1), *arrow::int64()), nullptr);
  EXPECT_NE(cache.Find(key(0), *arrow::int64()), nullptr);
  EXPECT_NE(cache.Find(key(2), *arrow::int64()), nullptr);
  // Another type is another reading of the column.
  EXPECT_EQ(cache.Find(key(2), *arrow::int32()), nullptr);
  cache.ForgetFilesUnder("/lru");
  EXPECT_EQ(cache.Find(key(0), *arrow::int64()), nullptr);
  cache.set_capacity_bytes(capacity);
}

}  // namespace
}  // namespace quiver::storage
