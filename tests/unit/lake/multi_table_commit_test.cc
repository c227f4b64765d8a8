// Commits over several tables: all or nothing, also across a crash.
#include "quiver/lake/multi_table_commit.h"

#include <arrow/api.h>
#include <arrow/compute/initialize.h>
#include <arrow/testing/gtest_util.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "quiver/lake/data_file_writer.h"

namespace quiver::lake {
namespace {

namespace fs = std::filesystem;

class MultiTableCommitTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(arrow::compute::Initialize().ok()); }
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("quiver_multi_" + NewUuid());
    for (const char* name : {"a", "b"}) {
      fs::create_directories(root_ / name);
      tables_.push_back(DeltaTable::Create((root_ / name).string(), schema_, {name, {}}, {}).ValueOrDie());
    }
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string journal() const { return (root_ / "commit.journal").string(); }

  std::vector<AddFile> Write(const DeltaTable& table, int64_t value) {
    DataFileWriter writer(table.dir(), schema_);
    arrow::Int64Builder values;
    EXPECT_TRUE(values.Append(value).ok());
    EXPECT_TRUE(writer.Write(arrow::RecordBatch::Make(schema_, 1, {values.Finish().ValueOrDie()})).ok());
    return writer.Finish().ValueOrDie();
  }

  // An append of one row to each table, against their current snapshots.
  std::vector<TableCommit> Appends(int64_t value) {
    std::vector<TableCommit> commits;
    for (const auto& table : tables_) {
      TableCommit commit{table, table->Snapshot().ValueOrDie(), {}};
      commit.change.operation = "WRITE";
      commit.change.adds = Write(*table, value);
      commits.push_back(std::move(commit));
    }
    return commits;
  }

  int64_t Version(size_t table) { return tables_[table]->Snapshot().ValueOrDie()->version; }

  static size_t DataFiles(const std::string& dir) {
    size_t count = 0;
    for (const auto& entry : fs::directory_iterator(dir)) count += entry.path().extension() == ".parquet";
    return count;
  }

  fs::path root_;
  std::shared_ptr<arrow::Schema> schema_ = arrow::schema({arrow::field("v", arrow::int64())});
  std::vector<std::shared_ptr<DeltaTable>> tables_;
};

TEST_F(MultiTableCommitTest, CommitsEveryTable) {
  ASSERT_OK(CommitTables(journal(), Appends(1)));
  EXPECT_EQ(Version(0), 1);
  EXPECT_EQ(Version(1), 1);
  EXPECT_FALSE(fs::exists(journal()));
}

TEST_F(MultiTableCommitTest, AConflictOnOneTableCommitsNone) {
  // The transaction reads table b's only file and deletes it …
  auto first = Appends(1);
  ASSERT_OK(CommitTables(journal(), first));
  auto commits = Appends(2);
  auto b_snapshot = tables_[1]->Snapshot().ValueOrDie();
  commits[1].change.removes = {b_snapshot->files.begin()->first};
  commits[1].change.read_files = {b_snapshot->files.begin()->first};
  // … while another statement deletes it first.
  TableChange other;
  other.operation = "DELETE";
  other.removes = {b_snapshot->files.begin()->first};
  ASSERT_OK(tables_[1]->Commit(*b_snapshot, other).status());

  auto status = CommitTables(journal(), commits);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("write conflict on table b"), std::string::npos) << status;
  EXPECT_NE(status.message().find("committed nothing"), std::string::npos) << status;
  EXPECT_EQ(Version(0), 1);  // table a untouched
  EXPECT_EQ(Version(1), 2);  // only the other statement
  // The transaction's files are gone from both tables.
  EXPECT_EQ(DataFiles(tables_[0]->dir()), 1u);
  EXPECT_EQ(DataFiles(tables_[1]->dir()), 1u);
}

TEST_F(MultiTableCommitTest, AJournaledCommitIsCompletedAfterACrash) {
  // What a crash between writing table a's commit and table b's leaves: the journal,
  // and a's commit.
  auto commits = Appends(7);
  nlohmann::json entries = nlohmann::json::array();
  std::vector<PreparedCommit> prepared;
  for (const auto& commit : commits) {
    prepared.push_back(commit.table->Prepare(*commit.read, commit.change).ValueOrDie());
    entries.push_back(
        {{"table", commit.table->dir()}, {"version", prepared.back().version}, {"commit", prepared.back().text}});
  }
  std::ofstream(journal()) << nlohmann::json{{"commits", entries}}.dump();
  ASSERT_OK(tables_[0]->Publish(prepared[0]));
  EXPECT_EQ(Version(1), 0);

  ASSERT_OK_AND_ASSIGN(int written, CompleteJournaledCommit(journal()));
  EXPECT_EQ(written, 1);
  EXPECT_EQ(Version(0), 1);
  EXPECT_EQ(Version(1), 1);
  EXPECT_EQ(tables_[1]->Snapshot().ValueOrDie()->RowCount(), 1);
  EXPECT_FALSE(fs::exists(journal()));
  // Nothing to do the next time.
  ASSERT_OK_AND_ASSIGN(written, CompleteJournaledCommit(journal()));
  EXPECT_EQ(written, 0);
}

}  // namespace
}  // namespace quiver::lake
