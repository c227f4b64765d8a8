// The set-returning function node and the rows behind it: generate_series's element
// counts at the edges of int64, calendar steps, unnest's padding, output batches cut
// to size, LEFT JOIN rows and ordinality, and a LIMIT ending an endless series.

#include "quiver/exec/set_function_node.h"

#include <arrow/acero/exec_plan.h>
#include <arrow/acero/options.h>
#include <arrow/array.h>
#include <arrow/array/builder_primitive.h>
#include <arrow/compute/api.h>
#include <arrow/compute/initialize.h>
#include <arrow/json/from_string.h>
#include <arrow/table.h>
#include <gtest/gtest.h>

#include <chrono>
#include <limits>

#include "quiver/exec/set_function_rows.h"
#include "quiver/exec/unordered_limit_node.h"

namespace quiver::exec {
namespace {

namespace ac = arrow::acero;
namespace cp = arrow::compute;

arrow::Datum Int64(std::optional<int64_t> value) {
  return value ? arrow::Datum(std::make_shared<arrow::Int64Scalar>(*value))
               : arrow::Datum(arrow::MakeNullScalar(arrow::int64()));
}

int64_t SeriesCount(std::optional<int64_t> start, std::optional<int64_t> stop, std::optional<int64_t> step) {
  auto rows = SetFunctionRows::Make("generate_series", {Int64(start), Int64(stop), Int64(step)},
                                    {arrow::field("g", arrow::int64())})
                  .ValueOrDie();
  return rows->Count(0).ValueOrDie();
}

std::shared_ptr<arrow::Array> OneRunColumn(SetFunctionRows& rows, int64_t count) {
  return rows.Columns({{0, 0, count, false}}, count, arrow::default_memory_pool()).ValueOrDie()[0];
}

TEST(SetFunctionRows, IntegerSeriesCountsLikePostgres) {
  EXPECT_EQ(SeriesCount(1, 5, 1), 5);
  EXPECT_EQ(SeriesCount(1, 10, 4), 3);   // 1, 5, 9
  EXPECT_EQ(SeriesCount(10, 1, -3), 4);  // 10, 7, 4, 1
  EXPECT_EQ(SeriesCount(5, 1, 1), 0);
  EXPECT_EQ(SeriesCount(1, 5, -1), 0);
  EXPECT_EQ(SeriesCount(std::nullopt, 5, 1), 0);
  EXPECT_EQ(SeriesCount(1, 5, std::nullopt), 0);
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  EXPECT_EQ(SeriesCount(kMax - 7, kMax, 3), 3);
  EXPECT_EQ(SeriesCount(kMin, kMax, kMax), 3);  // kMin, -1, kMax - 1
  EXPECT_EQ(SeriesCount(kMax, kMin, kMin), 2);  // kMax, -1
  auto rows = SetFunctionRows::Make("generate_series", {Int64(kMax - 7), Int64(kMax), Int64(3)},
                                    {arrow::field("g", arrow::int64())})
                  .ValueOrDie();
  auto expected = arrow::json::ArrayFromJSONString(arrow::int64(),
                                                   "[9223372036854775800, 9223372036854775803, 9223372036854775806]")
                      .ValueOrDie();
  EXPECT_TRUE(OneRunColumn(*rows, 3)->Equals(*expected));
}

TEST(SetFunctionRows, ZeroStepIsAnError) {
  auto rows =
      SetFunctionRows::Make("generate_series", {Int64(1), Int64(5), Int64(0)}, {arrow::field("g", arrow::int64())})
          .ValueOrDie();
  auto count = rows->Count(0);
  ASSERT_FALSE(count.ok());
  EXPECT_NE(count.status().message().find("step size cannot equal zero"), std::string::npos);
}

TEST(SetFunctionRows, MonthStepsClampTheDayAndCarryIt) {
  const auto type = arrow::timestamp(arrow::TimeUnit::MICRO);
  auto micros = [&](const char* text) {
    auto array = arrow::json::ArrayFromJSONString(type, std::string("[\"") + text + "\"]").ValueOrDie();
    return arrow::Datum(array->GetScalar(0).ValueOrDie());
  };
  arrow::Datum month(
      std::make_shared<arrow::MonthDayNanoIntervalScalar>(arrow::MonthDayNanoIntervalType::MonthDayNanos{1, 0, 0}));
  auto rows = SetFunctionRows::Make("generate_series", {micros("2024-01-31"), micros("2024-05-31"), month},
                                    {arrow::field("g", type)})
                  .ValueOrDie();
  ASSERT_EQ(rows->Count(0).ValueOrDie(), 5);
  auto expected = arrow::json::ArrayFromJSONString(
                      type, R"(["2024-01-31", "2024-02-29", "2024-03-29", "2024-04-29", "2024-05-29"])")
                      .ValueOrDie();
  EXPECT_TRUE(OneRunColumn(*rows, 5)->Equals(*expected)) << OneRunColumn(*rows, 5)->ToString();
}

TEST(SetFunctionRows, UnnestPadsShorterListsAndSkipsNullLists) {
  auto numbers =
      arrow::json::ArrayFromJSONString(arrow::list(arrow::int64()), "[[1, 2, 3], null, [], [4]]").ValueOrDie();
  auto words =
      arrow::json::ArrayFromJSONString(arrow::list(arrow::utf8()), R"([["a"], ["b", "c"], null, []])").ValueOrDie();
  auto rows = SetFunctionRows::Make("unnest", {numbers, words},
                                    {arrow::field("n", arrow::int64()), arrow::field("w", arrow::utf8())})
                  .ValueOrDie();
  EXPECT_EQ(rows->Count(0).ValueOrDie(), 3);
  EXPECT_EQ(rows->Count(1).ValueOrDie(), 2);
  EXPECT_EQ(rows->Count(2).ValueOrDie(), 0);
  EXPECT_EQ(rows->Count(3).ValueOrDie(), 1);
  // Row 0 in two runs, a LEFT JOIN row for row 2, then row 1.
  auto columns = rows->Columns({{0, 0, 2, false}, {0, 2, 1, false}, {2, 0, 1, true}, {1, 0, 2, false}}, 6,
                               arrow::default_memory_pool())
                     .ValueOrDie();
  EXPECT_TRUE(
      columns[0]->Equals(*arrow::json::ArrayFromJSONString(arrow::int64(), "[1, 2, 3, null, null, null]").ValueOrDie()))
      << columns[0]->ToString();
  EXPECT_TRUE(columns[1]->Equals(
      *arrow::json::ArrayFromJSONString(arrow::utf8(), R"(["a", null, null, null, "b", "c"])").ValueOrDie()))
      << columns[1]->ToString();
}

// Runs `n`-row input (column id 0..n-1, count = id) through the node.
arrow::Result<std::shared_ptr<arrow::Table>> RunSeries(int64_t input_rows, int64_t max_batch_rows, bool keep_empty,
                                                       std::vector<int64_t>* batch_sizes) {
  ARROW_RETURN_NOT_OK(cp::Initialize());
  ARROW_RETURN_NOT_OK(RegisterSetFunctionNode());
  arrow::Int64Builder ids;
  for (int64_t i = 0; i < input_rows; ++i) ARROW_RETURN_NOT_OK(ids.Append(i));
  ARROW_ASSIGN_OR_RAISE(auto id_array, ids.Finish());
  auto input = arrow::Table::Make(arrow::schema({arrow::field("id", arrow::int64())}), arrow::ArrayVector{id_array});
  SetFunctionNodeOptions options;
  options.function = "generate_series";
  options.arguments = {cp::literal(int64_t{1}), cp::field_ref("id")};
  options.outputs = {arrow::field("g", arrow::int64())};
  options.ordinality = "n";
  options.keep_empty = keep_empty;
  options.max_batch_rows = max_batch_rows;
  ac::Declaration plan =
      ac::Declaration::Sequence({{"table_source", ac::TableSourceNodeOptions(input, /*max_batch_size=*/7)},
                                 {SetFunctionNodeOptions::kFactoryName, options}});
  ARROW_ASSIGN_OR_RAISE(auto batches, ac::DeclarationToExecBatches(std::move(plan)));
  for (const auto& batch : batches.batches) batch_sizes->push_back(batch.length);
  std::vector<std::shared_ptr<arrow::RecordBatch>> record_batches;
  for (const auto& batch : batches.batches) {
    ARROW_ASSIGN_OR_RAISE(auto record_batch, batch.ToRecordBatch(batches.schema));
    record_batches.push_back(record_batch);
  }
  return arrow::Table::FromRecordBatches(batches.schema, record_batches);
}

TEST(SetFunctionNode, CutsOutputIntoBatchesAndNumbersElements) {
  std::vector<int64_t> sizes;
  auto table = RunSeries(50, 16, /*keep_empty=*/false, &sizes).ValueOrDie();
  EXPECT_EQ(table->num_rows(), 50 * 49 / 2);
  for (int64_t size : sizes) EXPECT_LE(size, 16);
  ASSERT_EQ(table->schema()->field_names(), (std::vector<std::string>{"id", "g", "n"}));
  // Every row's element equals its number (the series starts at 1), and lies within 1..id.
  auto combined = table->CombineChunksToBatch().ValueOrDie();
  const auto& id = static_cast<const arrow::Int64Array&>(*combined->column(0));
  const auto& g = static_cast<const arrow::Int64Array&>(*combined->column(1));
  const auto& n = static_cast<const arrow::Int64Array&>(*combined->column(2));
  for (int64_t i = 0; i < combined->num_rows(); ++i) {
    EXPECT_EQ(g.Value(i), n.Value(i));
    EXPECT_GE(g.Value(i), 1);
    EXPECT_LE(g.Value(i), id.Value(i));
  }
}

TEST(SetFunctionNode, KeepsRowsWithoutElementsForLeftJoins) {
  std::vector<int64_t> sizes;
  auto table = RunSeries(4, 1024, /*keep_empty=*/true, &sizes).ValueOrDie();
  // id 0 has no elements: one row with NULL g and n; then 1 + 2 + 3 rows.
  ASSERT_EQ(table->num_rows(), 7);
  auto combined = table->CombineChunksToBatch().ValueOrDie();
  int64_t nulls = 0;
  for (int64_t i = 0; i < combined->num_rows(); ++i) {
    if (combined->column(1)->IsNull(i)) {
      ++nulls;
      EXPECT_EQ(static_cast<const arrow::Int64Array&>(*combined->column(0)).Value(i), 0);
      EXPECT_TRUE(combined->column(2)->IsNull(i));
    }
  }
  EXPECT_EQ(nulls, 1);
}

TEST(SetFunctionNode, LimitEndsAnEndlessSeries) {
  ASSERT_TRUE(cp::Initialize().ok());
  ASSERT_TRUE(RegisterSetFunctionNode().ok());
  ASSERT_TRUE(RegisterUnorderedLimitNode().ok());
  auto one_row =
      arrow::Table::Make(arrow::schema({arrow::field("x", arrow::int64())}),
                         arrow::ArrayVector{arrow::json::ArrayFromJSONString(arrow::int64(), "[0]").ValueOrDie()});
  SetFunctionNodeOptions options;
  options.function = "generate_series";
  options.arguments = {cp::literal(int64_t{1}), cp::literal(std::numeric_limits<int64_t>::max())};
  options.outputs = {arrow::field("g", arrow::int64())};
  ac::Declaration plan = ac::Declaration::Sequence(
      {{"table_source", ac::TableSourceNodeOptions(one_row)},
       {SetFunctionNodeOptions::kFactoryName, options},
       {UnorderedLimitNodeOptions::kFactoryName, UnorderedLimitNodeOptions(/*offset=*/5, /*count=*/3)}});
  const auto start = std::chrono::steady_clock::now();
  auto table = ac::DeclarationToTable(std::move(plan));
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ((*table)->num_rows(), 3);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

}  // namespace
}  // namespace quiver::exec
