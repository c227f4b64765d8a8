#pragma once

#include <arrow/builder.h>
#include <arrow/io/file.h>
#include <arrow/pretty_print.h>
#include <arrow/table.h>
#include <gtest/gtest.h>
#include <parquet/arrow/writer.h>

#include <filesystem>
#include <string>

#include "quiver/engine/engine.h"

namespace quiver::engine::testing {

/// A Parquet file of rows id = first .. first + count - 1 (int64) and name =
/// 'n' || id % 10, in row groups of `row_group_size` rows.
inline void WriteParquet(const std::filesystem::path& path, int64_t first, int64_t count,
                         int64_t row_group_size = 1000) {
  std::filesystem::create_directories(path.parent_path());
  arrow::Int64Builder ids;
  arrow::StringBuilder names;
  for (int64_t i = first; i < first + count; ++i) {
    ASSERT_TRUE(ids.Append(i).ok());
    ASSERT_TRUE(names.Append("n" + std::to_string(i % 10)).ok());
  }
  auto schema = arrow::schema({arrow::field("id", arrow::int64()), arrow::field("name", arrow::utf8())});
  auto table = arrow::Table::Make(schema, {ids.Finish().ValueOrDie(), names.Finish().ValueOrDie()});
  auto out = arrow::io::FileOutputStream::Open(path.string()).ValueOrDie();
  ASSERT_TRUE(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), out, row_group_size).ok());
  ASSERT_TRUE(out->Close().ok());
}

/// A fresh data directory and engine per test.
class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("quiver_engine_test_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Reopen();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Reopen() {
    session_.reset();
    engine_.reset();
    EngineOptions options;
    options.data_dir = (dir_ / "data").string();
    engine_ = Engine::Open(options).ValueOrDie();
    session_ = engine_->NewSession();
  }

  arrow::Result<std::shared_ptr<arrow::Table>> Query(const std::string& sql) {
    ARROW_ASSIGN_OR_RAISE(auto result, session_->Execute(sql));
    if (!result.is_query) return arrow::Status::Invalid("not a query");
    return result.batches->ToTable();
  }

  /// Rows as "a|b|c" lines, NULL as "NULL", in result order.
  std::vector<std::string> Rows(const std::string& sql) {
    auto table = Query(sql);
    EXPECT_TRUE(table.ok()) << sql << ": " << table.status().ToString();
    if (!table.ok()) return {};
    auto combined = (*table)->CombineChunksToBatch().ValueOrDie();
    std::vector<std::string> rows;
    for (int64_t r = 0; r < combined->num_rows(); ++r) {
      std::string row;
      for (int c = 0; c < combined->num_columns(); ++c) {
        auto scalar = combined->column(c)->GetScalar(r).ValueOrDie();
        row += (c ? "|" : "") + (scalar->is_valid ? scalar->ToString() : std::string("NULL"));
      }
      rows.push_back(row);
    }
    return rows;
  }

  void Run(const std::string& sql) {
    auto result = session_->Execute(sql);
    ASSERT_TRUE(result.ok()) << sql << ": " << result.status().ToString();
  }

  arrow::Status Error(const std::string& sql) {
    auto result = session_->Execute(sql);
    if (result.ok() && result->is_query) return result->batches->ToTable().status();
    return result.status();
  }

  /// Instead of SetUp's engine: one on three in-process workers, with `files` Parquet
  /// files of `rows` rows each (WriteParquet) as the external table `numbers`.
  void OpenOnThreeWorkers(int files, int64_t rows) {
    for (int file = 0; file < files; ++file) {
      WriteParquet(dir_ / "numbers" / ("part" + std::to_string(file) + ".parquet"), file * rows, rows);
    }
    session_.reset();
    engine_.reset();
    EngineOptions options;
    options.data_dir = (dir_ / "distributed_data").string();
    options.cluster.spec = "local:3";
    engine_ = Engine::Open(options).ValueOrDie();
    session_ = engine_->NewSession();
    Run("CREATE EXTERNAL TABLE numbers STORED AS PARQUET LOCATION '" + (dir_ / "numbers").string() + "'");
  }

  std::filesystem::path dir_;
  std::shared_ptr<Engine> engine_;
  std::shared_ptr<Session> session_;
};

}  // namespace quiver::engine::testing
