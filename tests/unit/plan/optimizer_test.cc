#include <arrow/dataset/file_parquet.h>

#include "plan_test_util.h"

namespace quiver::plan::testing {
namespace {

class Optimizer : public PlanTest {};

// Finds the first operator of a kind, depth first.
const LogicalOperator* FindOperator(const LogicalOperator& node, LogicalKind kind) {
  if (node.kind == kind) return &node;
  for (const auto& input : node.inputs) {
    if (auto* found = FindOperator(*input, kind)) return found;
  }
  return nullptr;
}

TEST_F(Optimizer, ScansReadOnlyReferencedColumns) {
  auto plan = Plan("SELECT c FROM t WHERE b = 3").ValueOrDie();
  auto* scan = static_cast<const LogicalScan*>(FindOperator(*plan, LogicalKind::kScan));
  ASSERT_NE(scan, nullptr);
  EXPECT_EQ(scan->columns, std::vector<std::string>{"c"});
  ASSERT_TRUE(scan->filter.has_value());
  EXPECT_EQ(scan->filter->ToString(), "(b == 3)");
  // The filter lives in the scan now; nothing is left above it.
  EXPECT_EQ(FindOperator(*plan, LogicalKind::kFilter), nullptr);
}

TEST_F(Optimizer, EveryGroupingSetReadsItsOwnCopyOfTheInput) {
  auto plan = Plan("SELECT b, c, sum(a) FROM t WHERE a < 100 GROUP BY ROLLUP (b, c)").ValueOrDie();
  auto* combined = FindOperator(*plan, LogicalKind::kUnion);
  ASSERT_NE(combined, nullptr);
  ASSERT_EQ(combined->inputs.size(), 3u);
  // Each copy is optimized on its own: the filter goes into every scan, and each scan
  // reads only the columns its set needs.
  std::vector<size_t> widths;
  for (const auto& input : combined->inputs) {
    auto* scan = static_cast<const LogicalScan*>(FindOperator(*input, LogicalKind::kScan));
    ASSERT_NE(scan, nullptr);
    EXPECT_TRUE(scan->filter.has_value());
    widths.push_back(scan->columns.size());
  }
  EXPECT_EQ(widths, (std::vector<size_t>{3, 2, 1}));
}

TEST_F(Optimizer, CountStarReadsOneColumn) {
  auto plan = Plan("SELECT count(*) FROM t").ValueOrDie();
  auto* scan = static_cast<const LogicalScan*>(FindOperator(*plan, LogicalKind::kScan));
  EXPECT_EQ(scan->columns.size(), 1u);
}

TEST_F(Optimizer, PushedFilterSkipsParquetRowGroups) {
  auto plan = Plan("SELECT a FROM t WHERE a >= 150 AND a < 250").ValueOrDie();
  auto* scan = static_cast<const LogicalScan*>(FindOperator(*plan, LogicalKind::kScan));
  ASSERT_TRUE(scan->filter.has_value());
  // Ask Parquet which row groups the pushed filter can match: 2 of 10.
  auto fragments = scan->source->dataset()->GetFragments().ValueOrDie();
  int matching = 0;
  for (auto fragment : fragments) {
    auto parquet = std::static_pointer_cast<arrow::dataset::ParquetFileFragment>(fragment.ValueOrDie());
    matching += static_cast<int>(parquet->SplitByRowGroup(*scan->filter).ValueOrDie().size());
  }
  EXPECT_EQ(matching, 2);
}

TEST_F(Optimizer, CommaJoinWithEqualityBecomesHashJoin) {
  auto plan = Plan("SELECT t.c, u.d FROM t, u WHERE t.a = u.a AND t.b > 2 AND u.d <> 'v1'").ValueOrDie();
  auto* join = static_cast<const LogicalJoin*>(FindOperator(*plan, LogicalKind::kJoin));
  ASSERT_NE(join, nullptr);
  EXPECT_EQ(join->join_type, LogicalJoinType::kInner);
  ASSERT_EQ(join->left_keys.size(), 1u);
  EXPECT_FALSE(join->residual.has_value());
  // Each side's own condition went into its scan.
  auto* left_scan = static_cast<const LogicalScan*>(FindOperator(*join->inputs[0], LogicalKind::kScan));
  auto* right_scan = static_cast<const LogicalScan*>(FindOperator(*join->inputs[1], LogicalKind::kScan));
  EXPECT_TRUE(left_scan->filter.has_value());
  EXPECT_TRUE(right_scan->filter.has_value());
}

TEST_F(Optimizer, ConditionsOnTheNullableSideOfAnOuterJoinStayAbove) {
  auto plan = Plan("SELECT t.a FROM t LEFT JOIN u ON t.a = u.a WHERE u.d IS NULL AND t.b = 1").ValueOrDie();
  auto* join = static_cast<const LogicalJoin*>(FindOperator(*plan, LogicalKind::kJoin));
  auto* right_scan = static_cast<const LogicalScan*>(FindOperator(*join->inputs[1], LogicalKind::kScan));
  EXPECT_FALSE(right_scan->filter.has_value());  // would change which rows are unmatched
  auto* left_scan = static_cast<const LogicalScan*>(FindOperator(*join->inputs[0], LogicalKind::kScan));
  EXPECT_TRUE(left_scan->filter.has_value());  // the preserved side may be filtered early
  auto* filter = static_cast<const LogicalFilter*>(FindOperator(*plan, LogicalKind::kFilter));
  ASSERT_NE(filter, nullptr);
  EXPECT_NE(filter->predicate.ToString().find("is_null"), std::string::npos);
}

TEST_F(Optimizer, FiltersDoNotCrossAggregatesOrLimits) {
  auto plan = Plan("SELECT * FROM (SELECT b, count(*) AS n FROM t GROUP BY b) AS g WHERE n > 100").ValueOrDie();
  auto* scan = static_cast<const LogicalScan*>(FindOperator(*plan, LogicalKind::kScan));
  EXPECT_FALSE(scan->filter.has_value());
  auto limited = Plan("SELECT * FROM (SELECT a FROM t LIMIT 5) AS l WHERE a > 2").ValueOrDie();
  auto* limited_scan = static_cast<const LogicalScan*>(FindOperator(*limited, LogicalKind::kScan));
  EXPECT_FALSE(limited_scan->filter.has_value());
}

}  // namespace
}  // namespace quiver::plan::testing

namespace quiver::plan::testing {
namespace {

bool HasCrossJoin(const LogicalOperator& node) {
  if (node.kind == LogicalKind::kJoin && static_cast<const LogicalJoin&>(node).join_type == LogicalJoinType::kCross) {
    return true;
  }
  for (const auto& input : node.inputs) {
    if (HasCrossJoin(*input)) return true;
  }
  return false;
}

class JoinOrder : public PlanTest {};

TEST_F(JoinOrder, NoCrossProductWhileAJoinKeyExists) {
  Register("v", 10, 1000, false);
  // Written in an order whose first join (u, v) has no condition.
  auto plan = Plan("SELECT count(*) FROM u, v, t WHERE u.a = t.a AND v.a = t.b").ValueOrDie();
  EXPECT_FALSE(HasCrossJoin(*plan)) << FormatLogicalPlan(*plan);
  // The largest table is the probe side of the lowest join, never hashed.
  const LogicalOperator* join = plan.get();
  while (join->kind != LogicalKind::kJoin) join = join->inputs[0].get();
  while (join->inputs[0]->kind == LogicalKind::kJoin) join = join->inputs[0].get();
  const LogicalOperator* probe = join->inputs[0].get();
  while (probe->kind != LogicalKind::kScan) probe = probe->inputs[0].get();
  EXPECT_EQ(static_cast<const LogicalScan*>(probe)->table_name, "t") << FormatLogicalPlan(*plan);
}

}  // namespace
}  // namespace quiver::plan::testing
