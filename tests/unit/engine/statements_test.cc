// Statements through the session: queries, EXPLAIN, prepared statements, errors.
#include <arrow/scalar.h>

#include <fstream>

#include "engine_test_util.h"

namespace quiver::engine::testing {
namespace {

class Statements : public EngineTest {};

TEST_F(Statements, ThreeValuedLogicAndNullsInAggregates) {
  EXPECT_EQ(Rows("SELECT NULL AND false, NULL OR true, NOT (NULL::boolean) IS NULL"),
            std::vector<std::string>{"false|true|false"});
  EXPECT_EQ(Rows("SELECT count(*), count(x), sum(x), avg(x) FROM (VALUES (1), (NULL), (3)) AS t(x)"),
            std::vector<std::string>{"3|2|4|2"});
  EXPECT_EQ(Rows("SELECT 2 IN (1, NULL), 1 IN (1, NULL), 3 NOT IN (1, 2)"), std::vector<std::string>{"NULL|true|true"});
}

TEST_F(Statements, ExplainShowsWhatWasPushedIntoTheScan) {
  std::filesystem::create_directories(dir_ / "csv");
  std::ofstream(dir_ / "csv" / "t.csv") << "a,b,c\n1,2,3\n4,5,6\n";
  Run("CREATE EXTERNAL TABLE t STORED AS CSV LOCATION '" + (dir_ / "csv").string() + "'");
  auto plan = Rows("EXPLAIN SELECT a FROM t WHERE b > 2");
  std::string text;
  for (const auto& line : plan) text += line + "\n";
  EXPECT_NE(text.find("Logical plan:"), std::string::npos) << text;
  EXPECT_NE(text.find("Physical plan:"), std::string::npos) << text;
  EXPECT_NE(text.find("columns=[a]"), std::string::npos) << text;     // c is never read, b only for the filter
  EXPECT_NE(text.find("filter=(b > 2)"), std::string::npos) << text;  // the WHERE is in the scan
  EXPECT_EQ(Rows("SELECT a FROM t WHERE b > 2"), std::vector<std::string>{"4"});
}

TEST_F(Statements, PreparedStatementsKnowTheirSchemasAndParameterTypes) {
  auto prepared = session_->Prepare("SELECT x + 1 AS y, ? AS label FROM (VALUES (1), (2)) AS t(x) WHERE x > ?");
  ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
  auto statement = *prepared;
  EXPECT_TRUE(statement->is_query());
  ASSERT_EQ(statement->dataset_schema()->num_fields(), 2);
  EXPECT_EQ(statement->dataset_schema()->field(0)->name(), "y");
  ASSERT_EQ(statement->parameter_schema()->num_fields(), 2);
  EXPECT_EQ(statement->parameter_schema()->field(1)->type()->id(), arrow::Type::INT32);

  auto result =
      statement->Execute({std::make_shared<arrow::StringScalar>("big"), std::make_shared<arrow::Int64Scalar>(1)});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  auto rows = (*result).batches->ToTable().ValueOrDie();
  EXPECT_EQ(rows->num_rows(), 1);

  auto ddl = session_->Prepare("CREATE VIEW v AS SELECT 1 AS one");
  ASSERT_TRUE(ddl.ok()) << ddl.status().ToString();
  EXPECT_FALSE((*ddl)->is_query());
  // Preparing does not run it.
  EXPECT_TRUE(Error("SELECT * FROM v").IsKeyError());
  ASSERT_TRUE((*ddl)->Execute({}).ok());
  EXPECT_EQ(Rows("SELECT one FROM v"), std::vector<std::string>{"1"});
}

TEST_F(Statements, PercentileFractionsAndQuantifiedValuesMayBeParameters) {
  auto prepared = session_->Prepare(
      "SELECT percentile_cont(?) WITHIN GROUP (ORDER BY x) FROM (VALUES (1), (2), (4)) AS t(x) "
      "WHERE ? < ALL (SELECT y FROM (VALUES (5), (6)) AS u(y))");
  ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
  auto statement = *prepared;
  ASSERT_EQ(statement->parameter_schema()->num_fields(), 2);
  EXPECT_EQ(statement->parameter_schema()->field(0)->type()->id(), arrow::Type::DOUBLE);
  EXPECT_EQ(statement->parameter_schema()->field(1)->type()->id(), arrow::Type::INT32);
  auto run = [&](double fraction, int32_t bound) -> arrow::Result<std::shared_ptr<arrow::Table>> {
    ARROW_ASSIGN_OR_RAISE(auto result, statement->Execute({std::make_shared<arrow::DoubleScalar>(fraction),
                                                           std::make_shared<arrow::Int32Scalar>(bound)}));
    return result.batches->ToTable();
  };
  auto quarter = run(0.75, 1);
  ASSERT_TRUE(quarter.ok()) << quarter.status().ToString();
  ASSERT_EQ((*quarter)->num_rows(), 1);
  EXPECT_EQ((*quarter)->column(0)->GetScalar(0).ValueOrDie()->ToString(), "3");
  auto none = run(0.5, 5);  // 5 < ALL (5, 6) is false: no rows, so NULL
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE((*none)->column(0)->GetScalar(0).ValueOrDie()->is_valid);
  auto out_of_range = run(2, 1);
  ASSERT_FALSE(out_of_range.ok());
  EXPECT_NE(out_of_range.status().message().find("percentile value 2 is not between 0 and 1"), std::string::npos)
      << out_of_range.status().ToString();
}

TEST_F(Statements, ErrorsNameTheProblemAndItsPosition) {
  auto syntax = Error("SELECT 1 +* FROM");
  EXPECT_TRUE(syntax.IsInvalid());
  EXPECT_NE(syntax.message().find("line 1, column"), std::string::npos) << syntax.ToString();

  auto column = Error("SELECT nope FROM (VALUES (1)) AS t(x)");
  EXPECT_TRUE(column.IsInvalid());
  EXPECT_NE(column.message().find("column \"nope\" does not exist at line 1, column 8"), std::string::npos)
      << column.ToString();

  auto table = Error("SELECT * FROM\n  missing_table");
  EXPECT_TRUE(table.IsKeyError());
  EXPECT_NE(table.message().find("relation \"missing_table\" does not exist at line 2, column 3"), std::string::npos)
      << table.ToString();

  auto types = Error("SELECT 'a'::text + 1");
  EXPECT_TRUE(types.IsInvalid());
  EXPECT_NE(types.message().find("operator does not exist: text + integer"), std::string::npos) << types.ToString();

  auto grouping = Error("SELECT x, count(*) FROM (VALUES (1)) AS t(x, y) GROUP BY y");
  EXPECT_FALSE(grouping.ok());

  auto division = Error("SELECT 1 / 0");
  EXPECT_FALSE(division.ok());
  EXPECT_NE(division.message().find("divide by zero"), std::string::npos) << division.ToString();
}

TEST_F(Statements, SetAndShowSettings) {
  Run("SET work_mem = '64MB'");
  EXPECT_EQ(Rows("SHOW work_mem"), std::vector<std::string>{"64MB"});
  EXPECT_TRUE(Error("SHOW unknown_setting").IsKeyError());
}

TEST_F(Statements, QuestionMarkPlaceholdersOutsideStrings) {
  auto result = session_->Execute("SELECT ? + 1, '?' AS q", {std::make_shared<arrow::Int32Scalar>(41)});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  auto table = result->batches->ToTable().ValueOrDie();
  EXPECT_EQ(table->column(0)->GetScalar(0).ValueOrDie()->ToString(), "42");
  EXPECT_EQ(table->column(1)->GetScalar(0).ValueOrDie()->ToString(), "?");
}

}  // namespace
}  // namespace quiver::engine::testing
