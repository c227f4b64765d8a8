// The nested-loop join node on multi-batch inputs, for every join type and both build
// sides, checked against a row-at-a-time join written out in the test.

#include "quiver/exec/nested_loop_join_node.h"

#include <arrow/acero/exec_plan.h>
#include <arrow/acero/options.h>
#include <arrow/array.h>
#include <arrow/compute/api.h>
#include <arrow/compute/initialize.h>
#include <arrow/json/from_string.h>
#include <arrow/table.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace quiver::exec {
namespace {

namespace ac = arrow::acero;
namespace cp = arrow::compute;

using Row = std::vector<std::optional<int64_t>>;

std::shared_ptr<arrow::Table> MakeTable(const std::vector<std::string>& names, const std::vector<std::string>& json) {
  arrow::FieldVector fields;
  arrow::ArrayVector arrays;
  for (size_t i = 0; i < names.size(); ++i) {
    fields.push_back(arrow::field(names[i], arrow::int64()));
    arrays.push_back(arrow::json::ArrayFromJSONString(arrow::int64(), json[i]).ValueOrDie());
  }
  return arrow::Table::Make(arrow::schema(fields), arrays);
}

std::vector<Row> Rows(const arrow::Table& table) {
  std::vector<Row> rows(table.num_rows());
  for (int c = 0; c < table.num_columns(); ++c) {
    int64_t r = 0;
    for (const auto& chunk : table.column(c)->chunks()) {
      const auto& values = static_cast<const arrow::Int64Array&>(*chunk);
      for (int64_t i = 0; i < values.length(); ++i, ++r) {
        rows[r].push_back(values.IsNull(i) ? std::nullopt : std::optional<int64_t>(values.Value(i)));
      }
    }
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

std::string Format(const std::vector<Row>& rows) {
  std::string out;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + (row[i] ? std::to_string(*row[i]) : "N");
    out += "\n";
  }
  return out;
}

// What the join must produce, one pair at a time; `holds` returns SQL's true / false /
// NULL (nullopt) for a pair.
using Condition = std::function<std::optional<bool>(const Row& left, const Row& right)>;

std::vector<Row> ExpectedJoin(NestedLoopJoinType type, const arrow::Table& left, const arrow::Table& right,
                              const Condition& holds) {
  auto l = Rows(left), r = Rows(right);
  std::vector<bool> right_matched(r.size(), false);
  std::vector<Row> out;
  const Row left_nulls(left.num_columns()), right_nulls(right.num_columns());
  for (const auto& lrow : l) {
    bool matched = false;
    for (size_t j = 0; j < r.size(); ++j) {
      if (holds(lrow, r[j]).value_or(false)) {
        matched = true;
        right_matched[j] = true;
        if (type != NestedLoopJoinType::kSemi && type != NestedLoopJoinType::kAnti) {
          Row row = lrow;
          row.insert(row.end(), r[j].begin(), r[j].end());
          out.push_back(row);
        }
      }
    }
    if ((type == NestedLoopJoinType::kSemi && matched) || (type == NestedLoopJoinType::kAnti && !matched)) {
      out.push_back(lrow);
    }
    if (!matched && (type == NestedLoopJoinType::kLeft || type == NestedLoopJoinType::kFull)) {
      Row row = lrow;
      row.insert(row.end(), right_nulls.begin(), right_nulls.end());
      out.push_back(row);
    }
  }
  if (type == NestedLoopJoinType::kRight || type == NestedLoopJoinType::kFull) {
    for (size_t j = 0; j < r.size(); ++j) {
      if (right_matched[j]) continue;
      Row row = left_nulls;
      row.insert(row.end(), r[j].begin(), r[j].end());
      out.push_back(row);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct JoinRun {
  std::vector<Row> rows;
  int64_t largest_batch = 0;
  size_t batches = 0;
};

// table_source (small batches) ×2 → quiver_nested_loop_join.
arrow::Result<JoinRun> RunJoin(const std::shared_ptr<arrow::Table>& left, const std::shared_ptr<arrow::Table>& right,
                               NestedLoopJoinNodeOptions options, int64_t input_batch_rows = 3) {
  ARROW_RETURN_NOT_OK(cp::Initialize());
  ARROW_RETURN_NOT_OK(RegisterNestedLoopJoinNode());
  ac::Declaration left_source("table_source", ac::TableSourceNodeOptions(left, input_batch_rows));
  ac::Declaration right_source("table_source", ac::TableSourceNodeOptions(right, input_batch_rows));
  ac::Declaration join(NestedLoopJoinNodeOptions::kFactoryName, {std::move(left_source), std::move(right_source)},
                       std::move(options));
  ARROW_ASSIGN_OR_RAISE(auto batches, ac::DeclarationToExecBatches(std::move(join)));
  JoinRun run;
  std::vector<std::shared_ptr<arrow::RecordBatch>> record_batches;
  for (const auto& batch : batches.batches) {
    run.largest_batch = std::max(run.largest_batch, batch.length);
    ARROW_ASSIGN_OR_RAISE(auto record_batch, batch.ToRecordBatch(batches.schema));
    record_batches.push_back(std::move(record_batch));
  }
  run.batches = batches.batches.size();
  ARROW_ASSIGN_OR_RAISE(auto table, arrow::Table::FromRecordBatches(batches.schema, std::move(record_batches)));
  run.rows = Rows(*table);
  return run;
}

std::shared_ptr<arrow::Table> Left() {
  return MakeTable({"id", "x"}, {"[1, 2, 3, 4, 5, 6, 7, 8]", "[1, 5, null, 7, 3, 10, 5, -2]"});
}

std::shared_ptr<arrow::Table> Right() {
  return MakeTable({"lo", "hi"}, {"[0, 4, null, 6, 20, 2, 9]", "[2, 6, 8, 9, 30, null, 12]"});
}

// x BETWEEN lo AND hi, as the expression and as the reference.
cp::Expression Between() {
  return cp::call("and_kleene", {cp::call("greater_equal", {cp::field_ref("x"), cp::field_ref("lo")}),
                                 cp::call("less_equal", {cp::field_ref("x"), cp::field_ref("hi")})});
}

std::optional<bool> BetweenHolds(const Row& l, const Row& r) {
  auto ge = l[1] && r[0] ? std::optional<bool>(*l[1] >= *r[0]) : std::nullopt;
  auto le = l[1] && r[1] ? std::optional<bool>(*l[1] <= *r[1]) : std::nullopt;
  if ((ge && !*ge) || (le && !*le)) return false;  // Kleene AND: false wins over NULL
  if (!ge || !le) return std::nullopt;
  return true;
}

const NestedLoopJoinType kAllTypes[] = {NestedLoopJoinType::kInner, NestedLoopJoinType::kLeft,
                                        NestedLoopJoinType::kRight, NestedLoopJoinType::kFull,
                                        NestedLoopJoinType::kSemi,  NestedLoopJoinType::kAnti};

TEST(NestedLoopJoinNodeTest, EveryJoinTypeAndBuildSideMatchesTheRowAtATimeJoin) {
  for (auto type : kAllTypes) {
    auto expected = ExpectedJoin(type, *Left(), *Right(), BetweenHolds);
    for (auto build : {NestedLoopBuildSide::kRight, NestedLoopBuildSide::kLeft}) {
      const bool semi_or_anti = type == NestedLoopJoinType::kSemi || type == NestedLoopJoinType::kAnti;
      if (semi_or_anti && build == NestedLoopBuildSide::kLeft) continue;
      for (int64_t max_pairs : {int64_t{1}, int64_t{4}, int64_t{7}, int64_t{100}}) {
        SCOPED_TRACE("type " + std::to_string(static_cast<int>(type)) + " build " +
                     std::to_string(static_cast<int>(build)) + " max_pairs " + std::to_string(max_pairs));
        auto run = RunJoin(Left(), Right(), NestedLoopJoinNodeOptions(type, Between(), build, max_pairs));
        ASSERT_TRUE(run.ok()) << run.status().ToString();
        EXPECT_EQ(Format(run->rows), Format(expected));
        EXPECT_LE(run->largest_batch, max_pairs);
      }
    }
  }
}

TEST(NestedLoopJoinNodeTest, CrossProductComesInBoundedBatches) {
  auto left = MakeTable({"a"}, {"[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]"});
  auto right = MakeTable({"b"}, {"[100, 200, 300, 400, 500]"});
  auto run =
      RunJoin(left, right,
              NestedLoopJoinNodeOptions(NestedLoopJoinType::kInner, cp::literal(true), NestedLoopBuildSide::kRight, 4));
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->rows.size(), 55u);
  EXPECT_LE(run->largest_batch, 4);
  auto expected = ExpectedJoin(NestedLoopJoinType::kInner, *left, *right,
                               [](const Row&, const Row&) { return std::optional<bool>(true); });
  EXPECT_EQ(Format(run->rows), Format(expected));
}

TEST(NestedLoopJoinNodeTest, BuildSideLargerThanOneChunk) {
  // 9 build rows against chunks of 4 pairs: each probe row is checked in three slices.
  auto left = MakeTable({"a"}, {"[0, 3, 6, 9, null]"});
  auto right = MakeTable({"b"}, {"[1, 2, 3, 4, 5, 6, 7, 8, 9]"});
  auto less = cp::call("less", {cp::field_ref("a"), cp::field_ref("b")});
  auto holds = [](const Row& l, const Row& r) {
    return l[0] && r[0] ? std::optional<bool>(*l[0] < *r[0]) : std::nullopt;
  };
  for (auto type : kAllTypes) {
    auto run = RunJoin(left, right, NestedLoopJoinNodeOptions(type, less, NestedLoopBuildSide::kRight, 4), 2);
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    EXPECT_EQ(Format(run->rows), Format(ExpectedJoin(type, *left, *right, holds)));
    EXPECT_LE(run->largest_batch, 4);
  }
}

TEST(NestedLoopJoinNodeTest, EmptySides) {
  auto empty_left = MakeTable({"id", "x"}, {"[]", "[]"});
  auto empty_right = MakeTable({"lo", "hi"}, {"[]", "[]"});
  for (auto type : kAllTypes) {
    for (const auto& [left, right] :
         {std::pair{Left(), empty_right}, std::pair{empty_left, Right()}, std::pair{empty_left, empty_right}}) {
      for (auto build : {NestedLoopBuildSide::kRight, NestedLoopBuildSide::kLeft}) {
        if ((type == NestedLoopJoinType::kSemi || type == NestedLoopJoinType::kAnti) &&
            build == NestedLoopBuildSide::kLeft) {
          continue;
        }
        auto run = RunJoin(left, right, NestedLoopJoinNodeOptions(type, Between(), build));
        ASSERT_TRUE(run.ok()) << run.status().ToString();
        EXPECT_EQ(Format(run->rows), Format(ExpectedJoin(type, *left, *right, BetweenHolds)));
      }
    }
  }
}

TEST(NestedLoopJoinNodeTest, ConstantConditions) {
  // A NULL or false condition matches nothing; outer joins still keep their rows.
  for (auto constant : {cp::literal(false), cp::literal(arrow::MakeNullScalar(arrow::boolean()))}) {
    auto run = RunJoin(Left(), Right(), NestedLoopJoinNodeOptions(NestedLoopJoinType::kFull, constant));
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    auto expected = ExpectedJoin(NestedLoopJoinType::kFull, *Left(), *Right(),
                                 [](const Row&, const Row&) { return std::optional<bool>(false); });
    EXPECT_EQ(Format(run->rows), Format(expected));
  }
}

TEST(NestedLoopJoinNodeTest, RejectsBadOptions) {
  auto semi_left = RunJoin(Left(), Right(),
                           NestedLoopJoinNodeOptions(NestedLoopJoinType::kSemi, Between(), NestedLoopBuildSide::kLeft));
  EXPECT_FALSE(semi_left.ok());
  auto not_boolean =
      RunJoin(Left(), Right(), NestedLoopJoinNodeOptions(NestedLoopJoinType::kInner, cp::field_ref("x")));
  ASSERT_FALSE(not_boolean.ok());
  EXPECT_NE(not_boolean.status().message().find("boolean"), std::string::npos);
}

}  // namespace
}  // namespace quiver::exec
