// Expected values were produced by PostgreSQL 15 on the same rows.

#include <arrow/acero/options.h>

#include "window_test_util.h"

namespace quiver::exec::testing {
namespace {

using Bound = WindowFrameBound;

// Partition g: "a" (ties and NULL keys), "b", and NULL (a partition of its own).
std::shared_ptr<arrow::Table> SampleTable() {
  return MakeTable({
      {"id", arrow::int64(), "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]"},
      {"g", arrow::utf8(), R"(["a", "a", "a", "a", "a", "a", "b", "b", "b", null, null])"},
      {"k", arrow::int64(), "[1, 1, 2, 4, null, null, 3, 1, 2, 5, 5]"},
      {"v", arrow::int64(), "[10, null, 30, 40, 50, null, 7, null, 9, 100, null]"},
      {"f", arrow::float64(), "[1.5, null, -2.0, NaN, 0.25, 3.0, 1e300, -1e300, 2.0, null, 4.0]"},
      {"s", arrow::utf8(), R"(["x", "b", null, "zz", "a", "m", "q", "c", "c", null, "e"])"},
  });
}

std::vector<cp::SortKey> ByK() { return {cp::SortKey("k")}; }
std::vector<cp::SortKey> ByKThenId() { return {cp::SortKey("k"), cp::SortKey("id")}; }

TEST(WindowNodeTest, RankingFunctions) {
  auto plain = WindowNodeOptions({"g"}, ByK(),
                                 {Call("rank", {}, "rank"), Call("dense_rank", {}, "dense_rank"),
                                  Call("percent_rank", {}, "percent_rank"), Call("cume_dist", {}, "cume_dist")});
  ASSERT_OK_AND_ASSIGN(auto ranked, RunWindow(SampleTable(), plain));
  ExpectColumn(*ranked, "rank", arrow::int64(), "[1, 1, 3, 4, 5, 5, 3, 1, 2, 1, 1]");
  ExpectColumn(*ranked, "dense_rank", arrow::int64(), "[1, 1, 2, 3, 4, 4, 3, 1, 2, 1, 1]");
  ExpectColumn(*ranked, "percent_rank", arrow::float64(), "[0, 0, 0.4, 0.6, 0.8, 0.8, 1, 0, 0.5, 0, 0]");
  ExpectColumn(*ranked, "cume_dist", arrow::float64(),
               "[0.3333333333333333, 0.3333333333333333, 0.5, 0.6666666666666666, 1, 1, 1, "
               "0.3333333333333333, 0.6666666666666666, 1, 1]");

  auto numbered = WindowNodeOptions(
      {"g"}, ByKThenId(),
      {Call("row_number", {}, "row_number"), Call("ntile", {}, "ntile", WindowFrame::Default(), {Int(4)}),
       Call("lag", {"v"}, "lag"), Call("lead", {"v"}, "lead", WindowFrame::Default(), {Int(2), Int(-1)})});
  ASSERT_OK_AND_ASSIGN(auto result, RunWindow(SampleTable(), numbered));
  ExpectColumn(*result, "row_number", arrow::int64(), "[1, 2, 3, 4, 5, 6, 3, 1, 2, 1, 2]");
  ExpectColumn(*result, "ntile", arrow::int64(), "[1, 1, 2, 2, 3, 4, 3, 1, 2, 1, 2]");
  ExpectColumn(*result, "lag", arrow::int64(), "[null, 10, null, 30, 40, 50, 9, null, null, null, 100]");
  ExpectColumn(*result, "lead", arrow::int64(), "[30, 40, 50, null, -1, -1, -1, 7, -1, -1, -1]");
}

TEST(WindowNodeTest, NtileWithMoreBucketsThanRowsAndNullBuckets) {
  auto options = WindowNodeOptions(
      {}, {cp::SortKey("id")},
      {Call("ntile", {}, "n3", WindowFrame::Default(), {Int(3)}),
       Call("ntile", {}, "n20", WindowFrame::Default(), {Int(20)}),
       Call("ntile", {}, "null_buckets", WindowFrame::Default(), {arrow::MakeNullScalar(arrow::int64())})});
  ASSERT_OK_AND_ASSIGN(auto result, RunWindow(SampleTable(), options));
  // 11 rows in 3 buckets: 4, 4, 3.
  ExpectColumn(*result, "n3", arrow::int64(), "[1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3]");
  ExpectColumn(*result, "n20", arrow::int64(), "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]");
  ExpectColumn(*result, "null_buckets", arrow::int64(),
               "[null, null, null, null, null, null, null, null, null, "
               "null, null]");
}

TEST(WindowNodeTest, LagLeadOffsetsAndDefaults) {
  auto by_id = WindowFrame::Default();
  auto options = WindowNodeOptions(
      {"g"}, {cp::SortKey("id")},
      {Call("lag", {"s"}, "lag_s_default", by_id, {Int(1), arrow::MakeScalar("none")}),
       Call("lead", {"s"}, "lead_s_3", by_id, {Int(3)}), Call("lag", {"v"}, "lag_minus_one", by_id, {Int(-1)}),
       Call("lag", {"v"}, "lag_zero", by_id, {Int(0)}),
       Call("lag", {"v"}, "lag_null_offset", by_id, {arrow::MakeNullScalar(arrow::int64()), Int(5)})});
  ASSERT_OK_AND_ASSIGN(auto result, RunWindow(SampleTable(), options));
  // The default replaces rows outside the partition only, not NULL values inside it.
  ExpectColumn(*result, "lag_s_default", arrow::utf8(),
               R"(["none", "x", "b", null, "zz", "a", "none", "q", "c", "none", null])");
  ExpectColumn(*result, "lead_s_3", arrow::utf8(),
               R"(["zz", "a", "m", null, null, null, null, null, null, null, null])");
  ExpectColumn(*result, "lag_minus_one", arrow::int64(), "[null, 30, 40, 50, null, null, null, 9, null, null, null]");
  ExpectColumn(*result, "lag_zero", arrow::int64(), "[10, null, 30, 40, 50, null, 7, null, 9, 100, null]");
  ExpectColumn(*result, "lag_null_offset", arrow::int64(),
               "[null, null, null, null, null, null, null, null, null, null, null]");
}

TEST(WindowNodeTest, FrameValueFunctionsOverRows) {
  auto frame = Rows(Bound::Preceding(Int(1)), Bound::Following(Int(1)));
  auto options =
      WindowNodeOptions({"g"}, ByKThenId(),
                        {Call("first_value", {"v"}, "first", frame), Call("last_value", {"v"}, "last", frame),
                         Call("nth_value", {"v"}, "second", frame, {Int(2)}), Call("min", {"s"}, "min_s", frame),
                         Call("max", {"f"}, "max_f", frame)});
  ASSERT_OK_AND_ASSIGN(auto result, RunWindow(SampleTable(), options));
  ExpectColumn(*result, "first", arrow::int64(), "[10, 10, null, 30, 40, 50, 9, null, null, 100, 100]");
  ExpectColumn(*result, "last", arrow::int64(), "[null, 30, 40, 50, null, null, 7, 9, 7, null, null]");
  ExpectColumn(*result, "second", arrow::int64(), "[null, null, 30, 40, 50, null, 7, 9, 9, null, null]");
  ExpectColumn(*result, "min_s", arrow::utf8(), R"(["b", "b", "b", "a", "a", "a", "c", "c", "c", "e", "e"])");
  // NaN is larger than every number.
  ExpectColumn(*result, "max_f", arrow::float64(), "[1.5, 1.5, NaN, NaN, NaN, 3, 1e300, 2, 1e300, 4, 4]");
}

TEST(WindowNodeTest, AggregatesOverDefaultFrameIncludePeers) {
  auto options =
      WindowNodeOptions({"g"}, ByK(),
                        {Call("sum", {"v"}, "sum"), Call("avg", {"v"}, "avg"), Call("count", {"v"}, "count"),
                         Call("count_all", {}, "count_all"), Call("min", {"v"}, "min"), Call("max", {"s"}, "max")});
  ASSERT_OK_AND_ASSIGN(auto result, RunWindow(SampleTable(), options));
  ExpectColumn(*result, "sum", arrow::int64(), "[10, 10, 40, 80, 130, 130, 16, null, 9, 100, 100]");
  ExpectColumn(*result, "avg", arrow::float64(), "[10, 10, 20, 26.666666666666668, 32.5, 32.5, 8, null, 9, 100, 100]");
  ExpectColumn(*result, "count", arrow::int64(), "[1, 1, 2, 3, 4, 4, 2, 0, 1, 1, 1]");
  ExpectColumn(*result, "count_all", arrow::int64(), "[2, 2, 3, 4, 6, 6, 3, 1, 2, 2, 2]");
  ExpectColumn(*result, "min", arrow::int64(), "[10, 10, 10, 10, 10, 10, 7, null, 9, 100, 100]");
  ExpectColumn(*result, "max", arrow::utf8(), R"(["x", "x", "x", "zz", "zz", "zz", "q", "c", "c", "e", "e"])");
}

TEST(WindowNodeTest, RangeAndGroupsOffsetsWithNullKeys) {
  auto options = WindowNodeOptions(
      {"g"}, ByK(),
      {Call("sum", {"v"}, "range_around", Range(Bound::Preceding(Int(1)), Bound::Following(Int(1)))),
       Call("count_all", {}, "range_after", Range(Bound::Following(Int(1)), Bound::UnboundedFollowing())),
       Call("sum", {"v"}, "groups_around", Groups(Bound::Preceding(Int(1)), Bound::Following(Int(1))))});
  ASSERT_OK_AND_ASSIGN(auto result, RunWindow(SampleTable(), options));
  ExpectColumn(*result, "range_around", arrow::int64(), "[40, 40, 40, 40, 50, 50, 16, 9, 16, 100, 100]");
  // NULL keys sort last (as +infinity): after every value, within no offset of one.
  ExpectColumn(*result, "range_after", arrow::int64(), "[4, 4, 3, 2, 2, 2, 0, 2, 1, 0, 0]");
  ExpectColumn(*result, "groups_around", arrow::int64(), "[40, 40, 80, 120, 90, 90, 16, 9, 16, 100, 100]");

  auto descending =
      WindowNodeOptions({"g"}, {cp::SortKey("k", cp::SortOrder::Descending, cp::NullPlacement::AtStart)},
                        {Call("count_all", {}, "count", Range(Bound::Preceding(Int(1)), Bound::CurrentRow()))});
  ASSERT_OK_AND_ASSIGN(auto desc, RunWindow(SampleTable(), descending));
  ExpectColumn(*desc, "count", arrow::int64(), "[3, 3, 1, 1, 2, 2, 1, 2, 2, 2, 2]");
}

TEST(WindowNodeTest, FloatingPointSumsOnlyAddTheFramesValues) {
  auto options =
      WindowNodeOptions({"g"}, ByK(), {Call("sum", {"f"}, "sum", Rows(Bound::CurrentRow(), Bound::Following(Int(1))))});
  ASSERT_OK_AND_ASSIGN(auto result, RunWindow(SampleTable(), options));
  ExpectColumn(*result, "sum", arrow::float64(), "[1.5, -2, NaN, NaN, 3.25, 3, 1e300, -1e300, 1e300, 4, 4]");
}

TEST(WindowNodeTest, WithoutOrderByAllRowsArePeers) {
  auto options = WindowNodeOptions(
      {"g"}, {}, {Call("sum", {"v"}, "sum"), Call("rank", {}, "rank"), Call("last_value", {"id"}, "last_id")});
  ASSERT_OK_AND_ASSIGN(auto result, RunWindow(SampleTable(), options));
  ExpectColumn(*result, "sum", arrow::int64(), "[130, 130, 130, 130, 130, 130, 16, 16, 16, 100, 100]");
  ExpectColumn(*result, "rank", arrow::int64(), "[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]");
  // Rows equal in every key keep the input's order.
  ExpectColumn(*result, "last_id", arrow::int64(), "[6, 6, 6, 6, 6, 6, 9, 9, 9, 11, 11]");

  auto whole = WindowNodeOptions({}, {}, {Call("count_all", {}, "count"), Call("row_number", {}, "row_number")});
  ASSERT_OK_AND_ASSIGN(auto one_partition, RunWindow(SampleTable(), whole));
  ExpectColumn(*one_partition, "count", arrow::int64(), "[11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11]");
  ExpectColumn(*one_partition, "row_number", arrow::int64(), "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]");
}

TEST(WindowNodeTest, RowsFramesBeyondThePartition) {
  auto options = WindowNodeOptions(
      {"g"}, ByKThenId(),
      {Call("count_all", {}, "ahead", Rows(Bound::Following(Int(2)), Bound::Following(Int(5)))),
       Call("sum", {"v"}, "behind", Rows(Bound::Preceding(Int(4)), Bound::Preceding(Int(2)))),
       Call("count_all", {}, "huge", Rows(Bound::Preceding(Int(INT64_MAX)), Bound::Following(Int(INT64_MAX))))});
  ASSERT_OK_AND_ASSIGN(auto result, RunWindow(SampleTable(), options));
  // Partition a in order: ids 1 2 3 4 5 6; b: 8 9 7; NULL: 10 11.
  ExpectColumn(*result, "ahead", arrow::int64(), "[4, 3, 2, 1, 0, 0, 0, 1, 0, 0, 0]");
  ExpectColumn(*result, "behind", arrow::int64(), "[null, null, 10, 10, 40, 70, null, null, null, null, null]");
  ExpectColumn(*result, "huge", arrow::int64(), "[6, 6, 6, 6, 6, 6, 3, 3, 3, 2, 2]");
}

TEST(WindowNodeTest, RangeOverDatesWithIntervals) {
  auto table = MakeTable({
      {"id", arrow::int64(), "[1, 2, 3, 4, 5, 6, 7]"},
      // 2024-01-31, 2024-02-29, 2024-03-01, 2024-03-30, 2024-03-31, NULL, 2024-04-30
      {"d", arrow::date32(), "[19753, 19782, 19783, 19812, 19813, null, 19843]"},
      {"v", arrow::int64(), "[1, 2, 4, 8, 16, 32, 64]"},
  });
  auto month =
      std::make_shared<arrow::MonthDayNanoIntervalScalar>(arrow::MonthDayNanoIntervalType::MonthDayNanos{1, 0, 0});
  auto two_days = std::make_shared<arrow::DurationScalar>(2 * 86400, arrow::TimeUnit::SECOND);
  auto options = WindowNodeOptions(
      {}, {cp::SortKey("d")},
      {Call("sum", {"v"}, "last_month", Range(Bound::Preceding(month), Bound::CurrentRow())),
       Call("sum", {"v"}, "two_days", Range(Bound::Preceding(two_days), Bound::Following(two_days)))});
  ASSERT_OK_AND_ASSIGN(auto result, RunWindow(table, options));
  // PostgreSQL: select sum(v) over (order by d range between interval '1 month' preceding and current row).
  ExpectColumn(*result, "last_month", arrow::int64(), "[1, 3, 6, 14, 30, 32, 88]");
  ExpectColumn(*result, "two_days", arrow::int64(), "[1, 6, 6, 24, 24, 32, 64]");
}

TEST(WindowNodeTest, DecimalAndTimestampValues) {
  auto table = MakeTable({
      {"id", arrow::int64(), "[1, 2, 3, 4]"},
      {"p", arrow::decimal128(10, 2), R"(["1.25", null, "-3.50", "10.00"])"},
      {"t", arrow::timestamp(arrow::TimeUnit::MICRO), "[1704067200000000, 1704067201000000, null, 1704067199000000]"},
      {"b", arrow::boolean(), "[true, false, null, false]"},
  });
  auto frame = Rows(Bound::Preceding(Int(1)), Bound::CurrentRow());
  auto options =
      WindowNodeOptions({}, {cp::SortKey("id")},
                        {Call("sum", {"p"}, "sum_p"), Call("avg", {"p"}, "avg_p"), Call("max", {"t"}, "max_t", frame),
                         Call("min", {"b"}, "min_b", frame),
                         Call("sum", {"p"}, "range_p", Range(Bound::Preceding(Int(1)), Bound::Following(Int(2))))});
  ASSERT_OK_AND_ASSIGN(auto result, RunWindow(table, options));
  ExpectColumn(*result, "sum_p", arrow::decimal128(38, 2), R"(["1.25", "1.25", "-2.25", "7.75"])");
  ExpectColumn(*result, "avg_p", arrow::float64(), "[1.25, 1.25, -1.125, 2.5833333333333335]");
  ExpectColumn(*result, "max_t", arrow::timestamp(arrow::TimeUnit::MICRO),
               "[1704067200000000, 1704067201000000, 1704067201000000, 1704067199000000]");
  ExpectColumn(*result, "min_b", arrow::boolean(), "[true, false, false, false]");
  ExpectColumn(*result, "range_p", arrow::decimal128(38, 2), R"(["-2.25", "7.75", "6.50", "6.50"])");

  // A decimal ORDER BY key with a finer-grained offset.
  auto by_price = WindowNodeOptions(
      {}, {cp::SortKey("p")},
      {Call("count_all", {}, "near",
            Range(Bound::Preceding(arrow::MakeScalar(arrow::decimal128(5, 3), arrow::Decimal128(4750)).ValueOrDie()),
                  Bound::CurrentRow()))});
  ASSERT_OK_AND_ASSIGN(auto near, RunWindow(table, by_price));
  ExpectColumn(*near, "near", arrow::int64(), "[2, 1, 1, 1]");
}

TEST(WindowNodeTest, EmptyInputAndSingleRow) {
  auto empty = MakeTable({{"id", arrow::int64(), "[]"}, {"v", arrow::int64(), "[]"}});
  auto options =
      WindowNodeOptions({"v"}, {cp::SortKey("id")},
                        {Call("row_number", {}, "rn"), Call("sum", {"v"}, "sum"), Call("percent_rank", {}, "pr")});
  ASSERT_OK_AND_ASSIGN(auto none, RunWindow(empty, options));
  EXPECT_EQ(none->num_rows(), 0);
  EXPECT_EQ(none->schema()->ToString(), "id: int64\nv: int64\nrn: int64\nsum: int64\npr: double");

  auto one = MakeTable({{"id", arrow::int64(), "[7]"}, {"v", arrow::int64(), "[null]"}});
  ASSERT_OK_AND_ASSIGN(auto single, RunWindow(one, options));
  ExpectColumn(*single, "rn", arrow::int64(), "[1]");
  ExpectColumn(*single, "sum", arrow::int64(), "[null]");
  ExpectColumn(*single, "pr", arrow::float64(), "[0]");
}

TEST(WindowNodeTest, OutputIsOrderedForFetch) {
  ASSERT_OK(RegisterWindowNode());
  ac::Declaration plan = ac::Declaration::Sequence({
      {"table_source", ac::TableSourceNodeOptions(SampleTable(), 3)},
      {WindowNodeOptions::kFactoryName,
       WindowNodeOptions({"g"}, {cp::SortKey("k", cp::SortOrder::Descending)}, {Call("row_number", {}, "rn")})},
      {"fetch", ac::FetchNodeOptions(2, 5)},
  });
  ASSERT_OK_AND_ASSIGN(auto result, ac::DeclarationToTable(std::move(plan)));
  // Sorted: a (k desc, NULLs last): 4 3 1 2 5 6; b: 7 9 8; NULL: 10 11.
  ExpectColumn(*result, "id", arrow::int64(), "[1, 2, 5, 6, 7]");
  ExpectColumn(*result, "rn", arrow::int64(), "[3, 4, 5, 6, 1]");
}

TEST(WindowNodeTest, RejectsInvalidCalls) {
  auto run = [](WindowNodeOptions options) { return RunWindow(SampleTable(), std::move(options)).status(); };
  EXPECT_TRUE(run(WindowNodeOptions({}, {}, {Call("median", {"v"}, "x")})).IsInvalid());
  EXPECT_TRUE(run(WindowNodeOptions({}, {}, {Call("sum", {"nope"}, "x")})).IsInvalid());
  EXPECT_TRUE(run(WindowNodeOptions({}, {}, {Call("sum", {"s"}, "x")})).IsInvalid());
  EXPECT_TRUE(run(WindowNodeOptions({"nope"}, {}, {Call("rank", {}, "x")})).IsInvalid());
  EXPECT_TRUE(run(WindowNodeOptions({}, ByKThenId(),
                                    {Call("sum", {"v"}, "x", Range(Bound::Preceding(Int(1)), Bound::CurrentRow()))}))
                  .IsInvalid());
  EXPECT_TRUE(
      run(WindowNodeOptions({}, {}, {Call("sum", {"v"}, "x", Groups(Bound::Preceding(Int(1)), Bound::CurrentRow()))}))
          .IsInvalid());
  EXPECT_TRUE(
      run(WindowNodeOptions({}, ByK(), {Call("sum", {"v"}, "x", Rows(Bound::Preceding(Int(-1)), Bound::CurrentRow()))}))
          .IsInvalid());
  EXPECT_TRUE(
      run(WindowNodeOptions({}, ByK(), {Call("sum", {"v"}, "x", Rows(Bound::CurrentRow(), Bound::Preceding(Int(1))))}))
          .IsInvalid());
  EXPECT_TRUE(
      run(WindowNodeOptions({}, ByK(), {Call("ntile", {}, "x", WindowFrame::Default(), {Int(0)})})).IsInvalid());
  EXPECT_TRUE(
      run(WindowNodeOptions({}, ByK(), {Call("nth_value", {"v"}, "x", WindowFrame::Default(), {Int(0)})})).IsInvalid());
  // A month is not an offset for integer keys.
  auto month =
      std::make_shared<arrow::MonthDayNanoIntervalScalar>(arrow::MonthDayNanoIntervalType::MonthDayNanos{1, 0, 0});
  EXPECT_TRUE(
      run(WindowNodeOptions({}, ByK(), {Call("sum", {"v"}, "x", Range(Bound::Preceding(month), Bound::CurrentRow()))}))
          .IsInvalid());
}

TEST(WindowNodeTest, ResultTypes) {
  EXPECT_TRUE(WindowResultType("sum", {arrow::int32()}).ValueOrDie()->Equals(*arrow::int64()));
  EXPECT_TRUE(WindowResultType("sum", {arrow::float32()}).ValueOrDie()->Equals(*arrow::float64()));
  EXPECT_TRUE(WindowResultType("sum", {arrow::decimal128(7, 3)}).ValueOrDie()->Equals(*arrow::decimal128(38, 3)));
  EXPECT_TRUE(WindowResultType("avg", {arrow::int8()}).ValueOrDie()->Equals(*arrow::float64()));
  EXPECT_TRUE(WindowResultType("lag", {arrow::date32()}).ValueOrDie()->Equals(*arrow::date32()));
  EXPECT_TRUE(WindowResultType("cume_dist", {}).ValueOrDie()->Equals(*arrow::float64()));
  EXPECT_TRUE(WindowResultType("count_all", {}).ValueOrDie()->Equals(*arrow::int64()));
  EXPECT_FALSE(WindowResultType("rank", {arrow::int64()}).ok());
  EXPECT_FALSE(WindowResultType("avg", {arrow::utf8()}).ok());
  EXPECT_TRUE(IsWindowFunction("nth_value"));
  EXPECT_FALSE(IsWindowFunction("median"));
}

}  // namespace
}  // namespace quiver::exec::testing
