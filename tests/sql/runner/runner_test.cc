#include <arrow/json/from_string.h>
#include <arrow/scalar.h>
#include <arrow/type.h>
#include <gtest/gtest.h>

#include <sstream>

#include "slt_parser.h"
#include "slt_runner.h"
#include "value_format.h"

namespace quiver::sqllogictest {
namespace {

TEST(SltParser, ParsesStatementsAndQueries) {
  auto records = ParseTestFile(
      "# a comment\n"
      "statement ok\n"
      "CREATE VIEW v AS\n"
      "SELECT 1\n"
      "\n"
      "statement error no such table\n"
      "SELECT * FROM missing\n"
      "\n"
      "query IT rowsort\n"
      "SELECT 1, 'a'\n"
      "----\n"
      "1\ta\n"
      "2\t(empty)\n");
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 3u);
  EXPECT_EQ((*records)[0].kind, Record::Kind::kStatementOk);
  EXPECT_EQ((*records)[0].sql, "CREATE VIEW v AS\nSELECT 1");
  EXPECT_EQ((*records)[0].line, 2);
  EXPECT_EQ((*records)[1].kind, Record::Kind::kStatementError);
  EXPECT_EQ((*records)[1].expected_error, "no such table");
  const Record& query = (*records)[2];
  EXPECT_EQ(query.kind, Record::Kind::kQuery);
  EXPECT_EQ(query.column_types, "IT");
  EXPECT_EQ(query.sort_mode, SortMode::kRowSort);
  ASSERT_EQ(query.expected_rows.size(), 2u);
  EXPECT_EQ(query.expected_rows[1], (std::vector<std::string>{"2", "(empty)"}));
}

TEST(SltParser, RejectsUnknownHeaderWithItsLine) {
  auto records = ParseTestFile("statement ok\nSELECT 1\n\nquerry I\nSELECT 1\n----\n1\n");
  ASSERT_FALSE(records.ok());
  EXPECT_NE(records.status().message().find("line 4"), std::string::npos) << records.status().message();
}

TEST(SltParser, RejectsQueryWithoutSeparator) { EXPECT_FALSE(ParseTestFile("query I\nSELECT 1\n\n").ok()); }

TEST(ValueFormat, FollowsTheDocumentedRules) {
  EXPECT_EQ(FormatValue(*arrow::MakeNullScalar(arrow::int64()), 'I'), "NULL");
  EXPECT_EQ(FormatValue(arrow::Int64Scalar(-42), 'I'), "-42");
  EXPECT_EQ(FormatValue(arrow::Int64Scalar(3), 'R'), "3.000");
  EXPECT_EQ(FormatValue(arrow::DoubleScalar(2.0 / 3.0), 'R'), "0.667");
  EXPECT_EQ(FormatValue(arrow::DoubleScalar(-0.0001), 'R'), "0.000");
  EXPECT_EQ(FormatValue(arrow::DoubleScalar(2024.0), 'I'), "2024");
  EXPECT_EQ(FormatValue(arrow::DoubleScalar(1.5), 'T'), "1.5");
  EXPECT_EQ(FormatValue(arrow::BooleanScalar(true), 'T'), "true");
  EXPECT_EQ(FormatValue(arrow::StringScalar(""), 'T'), "(empty)");
  EXPECT_EQ(FormatValue(arrow::StringScalar("a b"), 'T'), "a b");
  EXPECT_EQ(FormatValue(arrow::Date32Scalar(19737), 'T'), "2024-01-15");
  // 2024-01-15 10:30:00.25 in microseconds
  EXPECT_EQ(FormatValue(arrow::TimestampScalar(1705314600250000, arrow::TimeUnit::MICRO), 'T'),
            "2024-01-15 10:30:00.25");
  EXPECT_EQ(FormatValue(arrow::TimestampScalar(-1, arrow::TimeUnit::SECOND), 'T'), "1969-12-31 23:59:59");
}

TEST(ValueFormat, WritesListsAsPostgresArrays) {
  auto list_of = [](const std::shared_ptr<arrow::DataType>& type, const std::string& json) {
    return arrow::ListScalar(arrow::json::ArrayFromJSONString(type, json).ValueOrDie());
  };
  EXPECT_EQ(FormatValue(list_of(arrow::float64(), "[1.5, 2, null]"), 'T'), "{1.5,2,NULL}");
  EXPECT_EQ(FormatValue(list_of(arrow::boolean(), "[true, false]"), 'T'), "{t,f}");
  EXPECT_EQ(FormatValue(list_of(arrow::utf8(), R"(["a", "", "b c", "NULL", "x\"y"])"), 'T'),
            R"({a,"","b c","NULL","x\"y"})");
  EXPECT_EQ(FormatValue(list_of(arrow::date32(), "[19737]"), 'T'), "{2024-01-15}");
  EXPECT_EQ(FormatValue(*arrow::MakeNullScalar(arrow::list(arrow::int32())), 'T'), "NULL");
}

TEST(SltRunner, SortsRowsAndReportsMismatches) {
  auto records = ParseTestFile(
      "query I rowsort\nSELECT x\n----\n1\n2\n\n"
      "query I\nSELECT x\n----\n1\n2\n\n"
      "statement error boom\nSELECT y\n");
  ASSERT_TRUE(records.ok());
  Executor execute = [](const std::string& sql, const std::string&) {
    Outcome outcome;
    if (sql == "SELECT y") {
      outcome.ok = false;
      outcome.error = "Invalid: BOOM happened";
      return outcome;
    }
    outcome.returned_rows = true;
    outcome.num_columns = 1;
    outcome.rows = {{"2"}, {"1"}};
    return outcome;
  };
  std::ostringstream report;
  FileSummary summary = RunRecords("t.test", *records, execute, report);
  EXPECT_EQ(summary.passed, 2);
  EXPECT_EQ(summary.failed, 1);
  EXPECT_NE(report.str().find("t.test:7: wrong result"), std::string::npos) << report.str();
}

}  // namespace
}  // namespace quiver::sqllogictest
