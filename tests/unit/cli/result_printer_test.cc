#include "quiver/cli/result_printer.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <sstream>

#include "quiver/cli/flight_sql_client.h"

namespace quiver::cli {
namespace {

std::shared_ptr<arrow::Table> SampleTable() {
  arrow::Int64Builder ids;
  arrow::StringBuilder names;
  arrow::DoubleBuilder scores;
  arrow::BooleanBuilder flags;
  EXPECT_TRUE(ids.AppendValues({1, 22, 333}).ok());
  EXPECT_TRUE(names.Append("Ann").ok());
  EXPECT_TRUE(names.AppendNull().ok());
  EXPECT_TRUE(names.Append("").ok());
  EXPECT_TRUE(scores.Append(2.5).ok());
  EXPECT_TRUE(scores.Append(-10).ok());
  EXPECT_TRUE(scores.AppendNull().ok());
  EXPECT_TRUE(flags.AppendValues(std::vector<bool>{true, false, true}).ok());
  auto schema = arrow::schema({arrow::field("id", arrow::int64()), arrow::field("name", arrow::utf8()),
                               arrow::field("score", arrow::float64()), arrow::field("ok", arrow::boolean())});
  return arrow::Table::Make(schema, {ids.Finish().ValueOrDie(), names.Finish().ValueOrDie(),
                                     scores.Finish().ValueOrDie(), flags.Finish().ValueOrDie()});
}

std::string Print(const arrow::Table& table, OutputFormat format) {
  std::ostringstream out;
  EXPECT_TRUE(PrintResult(table, format, out).ok());
  return out.str();
}

TEST(ResultPrinter, TableAlignsColumnsAndRightAlignsNumbers) {
  EXPECT_EQ(Print(*SampleTable(), OutputFormat::kTable),
            "+-----+------+-------+-------+\n"
            "| id  | name | score | ok    |\n"
            "+-----+------+-------+-------+\n"
            "|   1 | Ann  |   2.5 | true  |\n"
            "|  22 | NULL |   -10 | false |\n"
            "| 333 |      |  NULL | true  |\n"
            "+-----+------+-------+-------+\n");
}

TEST(ResultPrinter, TableOfNoRowsStillShowsTheHeader) {
  auto empty = arrow::Table::MakeEmpty(arrow::schema({arrow::field("x", arrow::int32())})).ValueOrDie();
  EXPECT_EQ(Print(*empty, OutputFormat::kTable), "+---+\n| x |\n+---+\n+---+\n");
}

TEST(ResultPrinter, TableMeasuresUnicodeByDisplayWidth) {
  arrow::StringBuilder words;
  ASSERT_TRUE(words.AppendValues({"héllo", "日本", "a"}).ok());
  auto table = arrow::Table::Make(arrow::schema({arrow::field("w", arrow::utf8())}), {words.Finish().ValueOrDie()});
  EXPECT_EQ(Print(*table, OutputFormat::kTable),
            "+-------+\n"
            "| w     |\n"
            "+-------+\n"
            "| héllo |\n"
            "| 日本  |\n"
            "| a     |\n"
            "+-------+\n");
  EXPECT_EQ(DisplayWidth("abc"), 3);
  EXPECT_EQ(DisplayWidth("e\xCC\x81"), 1);  // e + combining acute accent
}

TEST(ResultPrinter, CsvQuotesWhenNeededAndTellsNullFromEmpty) {
  EXPECT_EQ(Print(*SampleTable(), OutputFormat::kCsv),
            "id,name,score,ok\r\n"
            "1,Ann,2.5,true\r\n"
            "22,,-10,false\r\n"
            "333,\"\",,true\r\n");
  arrow::StringBuilder text;
  ASSERT_TRUE(text.AppendValues({"a,b", "say \"hi\"", "two\nlines"}).ok());
  auto table = arrow::Table::Make(arrow::schema({arrow::field("t", arrow::utf8())}), {text.Finish().ValueOrDie()});
  EXPECT_EQ(Print(*table, OutputFormat::kCsv), "t\r\n\"a,b\"\r\n\"say \"\"hi\"\"\"\r\n\"two\nlines\"\r\n");
}

TEST(ResultPrinter, JsonWritesOneObjectPerRow) {
  EXPECT_EQ(Print(*SampleTable(), OutputFormat::kJson),
            "{\"id\":1,\"name\":\"Ann\",\"score\":2.5,\"ok\":true}\n"
            "{\"id\":22,\"name\":null,\"score\":-10.0,\"ok\":false}\n"
            "{\"id\":333,\"name\":\"\",\"score\":null,\"ok\":true}\n");
}

TEST(ResultPrinter, ParsesFormatNames) {
  OutputFormat format;
  EXPECT_TRUE(ParseOutputFormat("csv", &format));
  EXPECT_EQ(format, OutputFormat::kCsv);
  EXPECT_FALSE(ParseOutputFormat("xml", &format));
}

TEST(FlightSqlClient, ServerMessageDropsTransportDecoration) {
  auto status = arrow::Status::Invalid(
      "Flight returned invalid argument error, with message: column nope not found at line 1, column 8. "
      "gRPC client debug context: UNKNOWN:Error received from peer");
  EXPECT_EQ(ServerMessage(status), "column nope not found at line 1, column 8");
  EXPECT_EQ(ServerMessage(arrow::Status::Invalid("plain")), "plain");
  EXPECT_EQ(ServerMessage(arrow::Status::IOError("Flight returned internal error, with message: boom at line 1, "
                                                 "column 2. Detail: Failed")),
            "boom at line 1, column 2");
}

}  // namespace
}  // namespace quiver::cli
