#include <arrow/dataset/file_parquet.h>

#include "plan_test_util.h"
#include "quiver/plan/cardinality.h"
#include "quiver/plan/plan_builders.h"

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

TEST_F(Optimizer, OrAcrossJoinSidesFiltersEachSideFirst) {
  auto plan = Plan("SELECT t.a FROM t JOIN u ON t.a = u.a WHERE (t.b = 1 AND u.d = 'v1') OR (t.b = 2 AND u.d = 'v2')")
                  .ValueOrDie();
  auto* join = static_cast<const LogicalJoin*>(FindOperator(*plan, LogicalKind::kJoin));
  ASSERT_NE(join, nullptr);
  auto* left_scan = static_cast<const LogicalScan*>(FindOperator(*join->inputs[0], LogicalKind::kScan));
  auto* right_scan = static_cast<const LogicalScan*>(FindOperator(*join->inputs[1], LogicalKind::kScan));
  ASSERT_TRUE(left_scan->filter.has_value()) << FormatLogicalPlan(*plan);
  ASSERT_TRUE(right_scan->filter.has_value()) << FormatLogicalPlan(*plan);
  EXPECT_NE(left_scan->filter->ToString().find("b"), std::string::npos);
  EXPECT_NE(right_scan->filter->ToString().find("d"), std::string::npos);
  // The whole condition still decides which pairs qualify.
  EXPECT_TRUE(join->residual.has_value() || FindOperator(*plan, LogicalKind::kFilter)) << FormatLogicalPlan(*plan);
}

TEST_F(Optimizer, ContradictionReadsNoFiles) {
  auto plan = Plan("SELECT t.a FROM t JOIN u ON t.a = u.a WHERE 1 = 2").ValueOrDie();
  EXPECT_EQ(FindOperator(*plan, LogicalKind::kScan), nullptr) << FormatLogicalPlan(*plan);
  EXPECT_EQ(FindOperator(*plan, LogicalKind::kJoin), nullptr) << FormatLogicalPlan(*plan);
}

TEST_F(Optimizer, UngroupedAggregateOverNothingStillAnswers) {
  auto plan = Plan("SELECT count(*) FROM t WHERE NULL").ValueOrDie();
  EXPECT_NE(FindOperator(*plan, LogicalKind::kAggregate), nullptr) << FormatLogicalPlan(*plan);
  EXPECT_EQ(FindOperator(*plan, LogicalKind::kScan), nullptr) << FormatLogicalPlan(*plan);
}

TEST_F(Optimizer, AlwaysTrueFilterDisappears) {
  auto plan = Plan("SELECT a FROM t WHERE 1 < 2 OR b = 3").ValueOrDie();
  EXPECT_EQ(FindOperator(*plan, LogicalKind::kFilter), nullptr) << FormatLogicalPlan(*plan);
  auto* scan = static_cast<const LogicalScan*>(FindOperator(*plan, LogicalKind::kScan));
  EXPECT_FALSE(scan->filter.has_value()) << FormatLogicalPlan(*plan);
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

TEST_F(Optimizer, FiltersOnGroupKeysCrossAggregates) {
  auto plan =
      Plan("SELECT * FROM (SELECT b, count(*) AS n FROM t GROUP BY b) AS g WHERE b = 3 AND n > 100").ValueOrDie();
  auto* scan = static_cast<const LogicalScan*>(FindOperator(*plan, LogicalKind::kScan));
  ASSERT_TRUE(scan->filter.has_value()) << FormatLogicalPlan(*plan);
  EXPECT_EQ(scan->filter->ToString(), "(b == 3)");
  // The condition on the count stays above the aggregate.
  EXPECT_NE(FindOperator(*plan, LogicalKind::kFilter), nullptr) << FormatLogicalPlan(*plan);
}

TEST_F(Optimizer, FiltersEnterEveryUnionInput) {
  auto plan =
      Plan("SELECT * FROM (SELECT a FROM t UNION ALL SELECT a FROM u) AS both_tables WHERE a < 10").ValueOrDie();
  auto* combined = FindOperator(*plan, LogicalKind::kUnion);
  ASSERT_NE(combined, nullptr);
  for (const auto& input : combined->inputs) {
    auto* scan = static_cast<const LogicalScan*>(FindOperator(*input, LogicalKind::kScan));
    ASSERT_NE(scan, nullptr);
    EXPECT_TRUE(scan->filter.has_value()) << FormatLogicalPlan(*plan);
  }
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

const LogicalOperator* FindJoin(const LogicalOperator& node) {
  if (node.kind == LogicalKind::kJoin) return &node;
  for (const auto& input : node.inputs) {
    if (auto* found = FindJoin(*input)) return found;
  }
  return nullptr;
}

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

TEST_F(JoinOrder, SmallerSideIsHashed) {
  // u (50 rows) is smaller than t (1000 rows) wherever it is written.
  for (const char* sql : {"SELECT t.c FROM t JOIN u ON t.a = u.a", "SELECT t.c FROM u JOIN t ON t.a = u.a"}) {
    auto plan = Plan(sql).ValueOrDie();
    auto* join = static_cast<const LogicalJoin*>(FindJoin(*plan));
    ASSERT_NE(join, nullptr) << sql;
    const LogicalOperator* build = join->inputs[1].get();
    while (build->kind != LogicalKind::kScan) build = build->inputs[0].get();
    EXPECT_EQ(static_cast<const LogicalScan*>(build)->table_name, "u") << FormatLogicalPlan(*plan);
  }
}

TEST_F(JoinOrder, FilteredTableIsHashedWhenItBecomesSmaller) {
  // t filtered to a < 20 (~20 of its 1000 rows) is smaller than u (50 rows).
  auto plan = Plan("SELECT t.c FROM u JOIN t ON t.a = u.a WHERE t.a < 20").ValueOrDie();
  auto* join = static_cast<const LogicalJoin*>(FindJoin(*plan));
  const LogicalOperator* build = join->inputs[1].get();
  while (build->kind != LogicalKind::kScan) build = build->inputs[0].get();
  EXPECT_EQ(static_cast<const LogicalScan*>(build)->table_name, "t") << FormatLogicalPlan(*plan);
}

TEST_F(JoinOrder, SemiJoinMovesToTheRelationItTests) {
  auto plan = Plan("SELECT t.c FROM t JOIN u ON t.b = u.a WHERE t.a IN (SELECT a FROM u WHERE d = 'v1')").ValueOrDie();
  // The semi join's left input is t itself, below the inner join.
  const LogicalOperator* semi = nullptr;
  std::vector<const LogicalOperator*> stack{plan.get()};
  while (!stack.empty()) {
    auto* node = stack.back();
    stack.pop_back();
    if (node->kind == LogicalKind::kJoin &&
        static_cast<const LogicalJoin*>(node)->join_type == LogicalJoinType::kSemi) {
      semi = node;
    }
    for (const auto& input : node->inputs) stack.push_back(input.get());
  }
  ASSERT_NE(semi, nullptr) << FormatLogicalPlan(*plan);
  const LogicalOperator* left = semi->inputs[0].get();
  while (left->kind == LogicalKind::kProject || left->kind == LogicalKind::kFilter) left = left->inputs[0].get();
  ASSERT_EQ(left->kind, LogicalKind::kScan) << FormatLogicalPlan(*plan);
  EXPECT_EQ(static_cast<const LogicalScan*>(left)->table_name, "t");
}

TEST_F(JoinOrder, SemiJoinStaysAboveAJoinThatDropsMostRows) {
  // t JOIN (u filtered to about 17 rows) keeps ~17 of t's 1000 rows: testing IN after
  // the join tests 17 rows instead of 1000.
  auto plan = Plan("SELECT t.c FROM t JOIN u ON t.a = u.a WHERE u.d = 'v1' AND t.b IN (SELECT a FROM u)").ValueOrDie();
  const LogicalOperator* node = plan.get();
  while (node->kind != LogicalKind::kJoin) node = node->inputs[0].get();
  EXPECT_EQ(static_cast<const LogicalJoin*>(node)->join_type, LogicalJoinType::kSemi) << FormatLogicalPlan(*plan);
}

TEST_F(JoinOrder, CorrelatedAggregateReadsOnlyKeysTheOuterQueryKeeps) {
  // The subquery's per-key average over t is needed only for the ~17 keys of u that
  // survive u's filter: t is semi-joined with a copy of filtered u before aggregating.
  auto plan =
      Plan("SELECT u.a FROM u WHERE u.d = 'v1' AND u.a > (SELECT avg(t.b) FROM t WHERE t.a = u.a)").ValueOrDie();
  const auto* aggregate = FindOperator(*plan, LogicalKind::kAggregate);
  ASSERT_NE(aggregate, nullptr) << FormatLogicalPlan(*plan);
  const LogicalOperator* input = aggregate->inputs[0].get();
  while (input->kind == LogicalKind::kProject) input = input->inputs[0].get();
  ASSERT_EQ(input->kind, LogicalKind::kJoin) << FormatLogicalPlan(*plan);
  EXPECT_EQ(static_cast<const LogicalJoin*>(input)->join_type, LogicalJoinType::kSemi) << FormatLogicalPlan(*plan);
}

TEST_F(JoinOrder, NonEqualityConditionsStayJoinConditions) {
  // t1 < u joins u by a nested loop; t1 = t2 stays a hash join: a condition without an
  // equality does not turn into a filter over a cross product that pins the order.
  auto plan = Plan("SELECT t1.c FROM t t1, u, t t2 WHERE t1.b < u.a AND t1.a = t2.a").ValueOrDie();
  EXPECT_EQ(FindOperator(*plan, LogicalKind::kFilter), nullptr) << FormatLogicalPlan(*plan);
  EXPECT_FALSE(HasCrossJoin(*plan)) << FormatLogicalPlan(*plan);
}

class Cardinality : public PlanTest {
 protected:
  double EstimatedRows(const std::string& sql) {
    auto plan = Plan(sql).ValueOrDie();
    CardinalityEstimator estimator(KeyColumns(*plan));
    return estimator.Of(plan).rows;
  }
};

TEST_F(Cardinality, RangesInterpolateBetweenMinAndMax) {
  EXPECT_NEAR(EstimatedRows("SELECT a FROM t WHERE a < 100"), 100, 5);
  EXPECT_NEAR(EstimatedRows("SELECT a FROM t WHERE a >= 900 AND b = 3"), 100.0 / 7, 3);
}

TEST_F(Cardinality, RangesOnOneColumnCombine) {
  // Two bounds on a: the interval [100, 200) of [0, 999], not 0.9 × 0.2 of the rows.
  EXPECT_NEAR(EstimatedRows("SELECT a FROM t WHERE a >= 100 AND a < 200"), 100, 5);
  EXPECT_NEAR(EstimatedRows("SELECT a FROM t WHERE 200 > a AND a >= 100 AND a > 150"), 50, 5);
  EXPECT_LE(EstimatedRows("SELECT a FROM t WHERE a > 500 AND a < 400"), 1);
}

TEST_F(Cardinality, ScanChecksItsMostSelectiveColumnFirst) {
  // a < 100 keeps a tenth of t, c = 'v1' a third: a's bound is checked first, alone.
  auto plan = Plan("SELECT a FROM t WHERE c = 'v1' AND a < 100").ValueOrDie();
  const LogicalOperator* node = plan.get();
  while (node->kind != LogicalKind::kScan) node = node->inputs[0].get();
  const auto& scan = static_cast<const LogicalScan&>(*node);
  ASSERT_TRUE(scan.filter.has_value());
  EXPECT_EQ(scan.leading_conjuncts, 1u);
  EXPECT_EQ(SplitConjunction(*scan.filter)[0].ToString(), "(a < 100)");
  // One column only: nothing to order.
  auto single = Plan("SELECT a FROM t WHERE a > 10 AND a < 100").ValueOrDie();
  node = single.get();
  while (node->kind != LogicalKind::kScan) node = node->inputs[0].get();
  EXPECT_EQ(static_cast<const LogicalScan&>(*node).leading_conjuncts, 0u);
}

TEST_F(Cardinality, EqualityUsesDistinctCounts) {
  // b has 7 values, c has 3.
  EXPECT_NEAR(EstimatedRows("SELECT a FROM t WHERE b = 3"), 1000.0 / 7, 10);
  EXPECT_NEAR(EstimatedRows("SELECT a FROM t WHERE c IN ('v1', 'v2')"), 1000.0 * 2 / 3, 30);
  EXPECT_LE(EstimatedRows("SELECT a FROM t WHERE a = 5000"), 1);  // outside [min, max]
}

TEST_F(Cardinality, GroupsAreBoundedByDistinctKeys) {
  EXPECT_NEAR(EstimatedRows("SELECT b, c, count(*) FROM t GROUP BY b, c"), 21, 1);
  EXPECT_EQ(EstimatedRows("SELECT count(*) FROM t"), 1);
}

TEST_F(Cardinality, GroupsByYearAreTheYearsOfTheDateRange) {
  // One row per day of 1992-01-01 .. 1998-12-31: seven years.
  auto path = dir_ / "days" / "part.parquet";
  std::filesystem::create_directories(path.parent_path());
  arrow::Date32Builder days;
  for (int32_t day = 8035; day <= 10591; ++day) ASSERT_TRUE(days.Append(day).ok());
  auto table = arrow::Table::Make(arrow::schema({arrow::field("d", arrow::date32())}), {days.Finish().ValueOrDie()});
  auto out = arrow::io::FileOutputStream::Open(path.string()).ValueOrDie();
  ASSERT_TRUE(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), out, 1024).ok());
  ASSERT_TRUE(out->Close().ok());
  catalog::TableEntry entry;
  entry.schema_name = catalog::Catalog::kDefaultSchema;
  entry.name = "days";
  entry.kind = catalog::TableKind::kExternal;
  entry.schema = table->schema();
  entry.format = "parquet";
  entry.location = path.parent_path().string();
  ASSERT_TRUE(catalog_->CreateTable(entry, false).ok());

  EXPECT_NEAR(EstimatedRows("SELECT extract(year FROM d) AS y, count(*) FROM days GROUP BY y"), 7, 1);
}

TEST_F(Cardinality, HavingOnAnAggregateUsesTheRangeOfWhatItAggregates) {
  // 7 groups of b of about 143 rows of a in 0..999: their sums lie around 71k, within
  // 3 standard deviations (about 10k), so none passes 200k and half pass 71k; a
  // maximum stays in 0..999.
  EXPECT_LE(EstimatedRows("SELECT b, sum(a) FROM t GROUP BY b HAVING sum(a) > 200000"), 1);
  EXPECT_NEAR(EstimatedRows("SELECT b, sum(a) FROM t GROUP BY b HAVING sum(a) > 71357"), 3.5, 0.6);
  EXPECT_NEAR(EstimatedRows("SELECT b, max(a) FROM t GROUP BY b HAVING max(a) < 500"), 3.5, 0.6);
}

TEST_F(Cardinality, KeyJoinsKeepTheManySide) {
  // u.a is unique in 0..49, t.a in 0..999: each u row meets one t row.
  EXPECT_NEAR(EstimatedRows("SELECT t.c FROM t JOIN u ON t.a = u.a"), 50, 5);
}

}  // namespace
}  // namespace quiver::plan::testing
