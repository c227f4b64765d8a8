#pragma once

#include <arrow/builder.h>
#include <arrow/compute/initialize.h>
#include <arrow/io/file.h>
#include <gtest/gtest.h>
#include <parquet/arrow/writer.h>

#include <filesystem>

#include "quiver/catalog/catalog.h"
#include "quiver/common/sql_kernels.h"
#include "quiver/plan/binder.h"
#include "quiver/plan/optimizer.h"
#include "quiver/sql/parser.h"
#include "quiver/storage/file_table.h"

namespace quiver::plan::testing {

/// A catalog with two Parquet tables:
///   t(a bigint, b bigint, c text)  — 10 row groups of 100 rows, a = 0..999 ascending
///   u(a bigint, d text)            — one row group
class PlanTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(arrow::compute::Initialize().ok()); }

  void SetUp() override {
    ASSERT_TRUE(RegisterSqlKernels().ok());
    dir_ = std::filesystem::temp_directory_path() / ("quiver_plan_test_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    catalog_ = catalog::Catalog::Open((dir_ / "data").string()).ValueOrDie();
    Register("t", 1000, 100, true);
    Register("u", 50, 1000, false);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Register(const std::string& name, int64_t rows, int64_t row_group, bool with_b) {
    auto path = dir_ / name / "part.parquet";
    std::filesystem::create_directories(path.parent_path());
    arrow::Int64Builder a, b;
    arrow::StringBuilder c;
    for (int64_t i = 0; i < rows; ++i) {
      ASSERT_TRUE(a.Append(i).ok());
      ASSERT_TRUE(b.Append(i % 7).ok());
      ASSERT_TRUE(c.Append("v" + std::to_string(i % 3)).ok());
    }
    arrow::FieldVector fields{arrow::field("a", arrow::int64())};
    arrow::ArrayVector columns{a.Finish().ValueOrDie()};
    if (with_b) {
      fields.push_back(arrow::field("b", arrow::int64()));
      columns.push_back(b.Finish().ValueOrDie());
    }
    fields.push_back(arrow::field(with_b ? "c" : "d", arrow::utf8()));
    columns.push_back(c.Finish().ValueOrDie());
    auto table = arrow::Table::Make(arrow::schema(fields), columns);
    auto out = arrow::io::FileOutputStream::Open(path.string()).ValueOrDie();
    ASSERT_TRUE(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), out, row_group).ok());
    ASSERT_TRUE(out->Close().ok());
    catalog::TableEntry entry;
    entry.schema_name = catalog::Catalog::kDefaultSchema;
    entry.name = name;
    entry.kind = catalog::TableKind::kExternal;
    entry.schema = table->schema();
    entry.format = "parquet";
    entry.location = (dir_ / name).string();
    ASSERT_TRUE(catalog_->CreateTable(entry, false).ok());
  }

  arrow::Result<LogicalPlanPtr> Plan(const std::string& sql, bool optimize = true) {
    ARROW_ASSIGN_OR_RAISE(auto statement, sql::ParseSingleStatement(sql));
    sql_ = statement.text;
    context_ = BindContext{};
    context_.sql = sql_;
    Binder binder(context_, *catalog_);
    ARROW_ASSIGN_OR_RAISE(auto plan, binder.BindStatementQuery(*statement.query));
    if (!optimize) return plan;
    return Optimize(plan);
  }

  std::string Explain(const std::string& sql) {
    auto plan = Plan(sql);
    EXPECT_TRUE(plan.ok()) << sql << ": " << plan.status().ToString();
    return plan.ok() ? FormatLogicalPlan(**plan) : "";
  }

  std::filesystem::path dir_;
  std::shared_ptr<catalog::Catalog> catalog_;
  std::string sql_;
  BindContext context_;
};

}  // namespace quiver::plan::testing
