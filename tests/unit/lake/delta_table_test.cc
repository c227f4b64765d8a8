#include "quiver/lake/delta_table.h"

#include <arrow/api.h>
#include <arrow/compute/initialize.h>
#include <arrow/dataset/dataset.h>
#include <arrow/testing/gtest_util.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "quiver/lake/data_file_writer.h"
#include "quiver/lake/delta_checkpoint.h"
#include "quiver/lake/delta_schema.h"
#include "quiver/lake/file_stats.h"
#include "quiver/lake/managed_tables.h"

namespace quiver::lake {
namespace {

namespace fs = std::filesystem;

class DeltaTableTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(arrow::compute::Initialize().ok()); }
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / ("quiver_delta_" + NewUuid())).string();
    fs::create_directories(dir_);
    schema_ =
        arrow::schema({arrow::field("id", arrow::int64(), /*nullable=*/false), arrow::field("name", arrow::utf8()),
                       arrow::field("price", arrow::decimal128(10, 2)), arrow::field("day", arrow::date32())});
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::shared_ptr<arrow::RecordBatch> Rows(int64_t first, int64_t count) {
    arrow::Int64Builder ids;
    arrow::StringBuilder names;
    arrow::Decimal128Builder prices(arrow::decimal128(10, 2));
    arrow::Date32Builder days;
    for (int64_t i = first; i < first + count; ++i) {
      EXPECT_TRUE(ids.Append(i).ok());
      EXPECT_TRUE((i % 3 == 0 ? names.AppendNull() : names.Append("name" + std::to_string(i))).ok());
      EXPECT_TRUE(prices.Append(arrow::Decimal128(i * 100 + 5)).ok());
      EXPECT_TRUE(days.Append(static_cast<int32_t>(19000 + i)).ok());
    }
    return arrow::RecordBatch::Make(schema_, count,
                                    {ids.Finish().ValueOrDie(), names.Finish().ValueOrDie(),
                                     prices.Finish().ValueOrDie(), days.Finish().ValueOrDie()});
  }

  std::vector<AddFile> Write(int64_t first, int64_t count) {
    DataFileWriter writer(dir_, schema_);
    auto status = writer.Write(Rows(first, count));
    EXPECT_TRUE(status.ok()) << status;
    auto files = writer.Finish();
    EXPECT_TRUE(files.ok()) << files.status();
    return *files;
  }

  std::string dir_;
  std::shared_ptr<arrow::Schema> schema_;
};

TEST_F(DeltaTableTest, SchemaStringRoundTrips) {
  ASSERT_OK_AND_ASSIGN(auto text, ToDeltaSchemaString(*schema_));
  EXPECT_NE(text.find("\"decimal(10,2)\""), std::string::npos);
  EXPECT_NE(text.find("\"nullable\":false"), std::string::npos);
  ASSERT_OK_AND_ASSIGN(auto back, FromDeltaSchemaString(text));
  EXPECT_TRUE(back->Equals(*schema_)) << back->ToString();
  auto bad = ToDeltaSchemaString(*arrow::schema({arrow::field("t", arrow::time64(arrow::TimeUnit::MICRO))}));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("column \"t\""), std::string::npos);
}

TEST_F(DeltaTableTest, CreateAppendAndReadBack) {
  ASSERT_OK_AND_ASSIGN(auto table, DeltaTable::Create(dir_, schema_, {"t", {}}, Write(0, 100)));
  ASSERT_OK_AND_ASSIGN(auto first, table->Snapshot());
  EXPECT_EQ(first->version, 0);
  EXPECT_EQ(first->RowCount(), 100);
  TableChange append;
  append.operation = "WRITE";
  append.adds = Write(100, 50);
  ASSERT_OK_AND_ASSIGN(auto version, table->Commit(*first, append));
  EXPECT_EQ(version, 1);
  ASSERT_OK_AND_ASSIGN(auto second, table->Snapshot());
  EXPECT_EQ(second->files.size(), 2u);
  EXPECT_EQ(second->RowCount(), 150);
  // Stats name the bounds of each column.
  auto stats = ParseStats(second->files.begin()->second.stats, *schema_);
  EXPECT_TRUE(stats.columns["id"].min && stats.columns["id"].max);
  EXPECT_GT(*stats.columns["name"].null_count, 0);
  EXPECT_TRUE(
      stats.columns["price"].min->Equals(arrow::Decimal128Scalar(arrow::Decimal128(5), schema_->field(2)->type())) ||
      stats.columns["price"].min->Equals(arrow::Decimal128Scalar(arrow::Decimal128(10005), schema_->field(2)->type())));
}

TEST_F(DeltaTableTest, NotNullIsEnforcedAndNothingIsLeftBehind) {
  DataFileWriter writer(dir_, schema_, {.table_name = "t"});
  auto rows = Rows(0, 10);
  arrow::Int64Builder ids;
  ASSERT_TRUE(ids.AppendValues({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, {1, 0, 1, 1, 1, 1, 1, 1, 1, 1}).ok());
  auto ids_with_null = ids.Finish().ValueOrDie();
  auto bad = arrow::RecordBatch::Make(schema_, 10, {ids_with_null, rows->column(1), rows->column(2), rows->column(3)});
  ASSERT_TRUE(writer.Write(rows).ok());
  auto status = writer.Write(bad);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("null value in column \"id\" of relation \"t\""), std::string::npos);
  writer.Abandon();
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(DeltaTableTest, ConcurrentDeletesOfOneFileConflictButAppendsDoNot) {
  ASSERT_OK_AND_ASSIGN(auto table, DeltaTable::Create(dir_, schema_, {"t", {}}, Write(0, 10)));
  ASSERT_OK_AND_ASSIGN(auto read, table->Snapshot());
  const std::string file = read->files.begin()->first;
  TableChange append;
  append.operation = "WRITE";
  append.adds = Write(10, 5);
  TableChange delete_a;
  delete_a.operation = "DELETE";
  delete_a.removes = {file};
  delete_a.read_files = {file};
  TableChange delete_b = delete_a;
  // Both statements read version 0; the append and the first delete both succeed.
  ASSERT_OK_AND_ASSIGN(auto v1, table->Commit(*read, append));
  ASSERT_OK_AND_ASSIGN(auto v2, table->Commit(*read, delete_a));
  EXPECT_EQ(v1, 1);
  EXPECT_EQ(v2, 2);
  auto conflict = table->Commit(*read, delete_b);
  ASSERT_FALSE(conflict.ok());
  EXPECT_NE(conflict.status().message().find("write conflict"), std::string::npos) << conflict.status();
  ASSERT_OK_AND_ASSIGN(auto latest, table->Snapshot());
  EXPECT_EQ(latest->version, 2);
  EXPECT_EQ(latest->RowCount(), 5);
}

TEST_F(DeltaTableTest, CheckpointEveryTenVersionsReadsTheSameState) {
  ASSERT_OK_AND_ASSIGN(auto table, DeltaTable::Create(dir_, schema_, {"t", {}}, {}));
  for (int i = 0; i < 12; ++i) {
    ASSERT_OK_AND_ASSIGN(auto read, table->Snapshot());
    TableChange change;
    change.operation = "WRITE";
    change.adds = Write(i * 10, 10);
    if (i == 5) change.removes = {read->files.begin()->first};
    ASSERT_OK(table->Commit(*read, change).status());
  }
  DeltaLog log(dir_);
  EXPECT_EQ(log.LastCheckpointVersion(), 10);
  ASSERT_TRUE(fs::exists(fs::path(log.log_dir()) / DeltaLog::CheckpointFileName(10)));
  ASSERT_OK_AND_ASSIGN(auto from_checkpoint, LoadSnapshot(log));
  // Replaying every commit gives the same files.
  fs::remove(fs::path(log.log_dir()) / "_last_checkpoint");
  ASSERT_OK_AND_ASSIGN(auto replayed, LoadSnapshot(log));
  EXPECT_EQ(from_checkpoint->version, 12);
  EXPECT_EQ(replayed->version, 12);
  ASSERT_EQ(from_checkpoint->files.size(), replayed->files.size());
  for (const auto& [path, file] : replayed->files) {
    ASSERT_EQ(from_checkpoint->files.count(path), 1u);
    EXPECT_EQ(from_checkpoint->files.at(path).stats, file.stats);
  }
  EXPECT_EQ(from_checkpoint->tombstones.size(), 1u);
  EXPECT_EQ(from_checkpoint->RowCount(), 110);
}

TEST_F(DeltaTableTest, UncommittedFilesAreRemoved) {
  ASSERT_OK_AND_ASSIGN(auto table, DeltaTable::Create(dir_, schema_, {"t", {}}, Write(0, 10)));
  auto stray = Write(10, 10);  // written, never committed
  std::ofstream(fs::path(dir_) / "_delta_log" / ".00000000000000000001.json.tmp-1-0") << "{}";
  ASSERT_OK_AND_ASSIGN(auto latest, table->Snapshot());
  ASSERT_OK_AND_ASSIGN(auto removed, RemoveUncommittedFiles(dir_, *latest));
  EXPECT_EQ(removed, 2);
  EXPECT_FALSE(fs::exists(fs::path(dir_) / stray[0].path));
  ASSERT_OK_AND_ASSIGN(auto snapshot, table->Snapshot());
  EXPECT_TRUE(fs::exists(fs::path(dir_) / snapshot->files.begin()->first));
}

}  // namespace
}  // namespace quiver::lake

namespace quiver::lake {
namespace {

// Each file's statistics become the guarantee of its fragment, so a filter that no row
// of a file can satisfy leaves the file out of the scan.
TEST_F(DeltaTableTest, StatisticsRuleFilesOutOfAScan) {
  std::vector<AddFile> files = Write(0, 100);  // ids 0..99, names with NULLs
  auto more = Write(1000, 100);                // ids 1000..1099
  files.insert(files.end(), more.begin(), more.end());
  ASSERT_OK_AND_ASSIGN(auto table, DeltaTable::Create(dir_, schema_, {"t", {}}, files));
  ASSERT_OK_AND_ASSIGN(auto snapshot, table->Snapshot());
  ASSERT_OK_AND_ASSIGN(auto scannable, SnapshotFileTable(dir_, *snapshot));
  auto count_fragments = [&](arrow::compute::Expression filter) {
    auto bound = filter.Bind(*schema_).ValueOrDie();
    auto fragments = scannable->dataset()->GetFragments(bound).ValueOrDie();
    int count = 0;
    for (auto fragment : fragments) {
      EXPECT_TRUE(fragment.ok());
      ++count;
    }
    return count;
  };
  namespace cp = arrow::compute;
  EXPECT_EQ(count_fragments(cp::literal(true)), 2);
  EXPECT_EQ(count_fragments(cp::greater(cp::field_ref("id"), cp::literal(int64_t{500}))), 1);
  EXPECT_EQ(count_fragments(cp::equal(cp::field_ref("id"), cp::literal(int64_t{5000}))), 0);
  EXPECT_EQ(count_fragments(cp::less(cp::field_ref("day"), cp::literal(arrow::Date32Scalar(19050)))), 1);
  // A column with NULLs in both files gives no file-level bound: nothing is ruled out.
  EXPECT_EQ(count_fragments(cp::equal(cp::field_ref("name"), cp::literal("zzz"))), 2);
  EXPECT_EQ(count_fragments(cp::is_null(cp::field_ref("name"))), 2);
  auto subset = std::set<std::string>{snapshot->files.begin()->first};
  ASSERT_OK_AND_ASSIGN(auto one, SnapshotFileTable(dir_, *snapshot, &subset));
  EXPECT_EQ(one->file_count(), 1u);
}

}  // namespace
}  // namespace quiver::lake
