#pragma once

// Cardinality estimation: how many rows each operator of a logical plan will produce,
// and what its columns look like (distinct values, NULL fraction, range), starting from
// the statistics of the scanned files. Join ordering and build-side choice use these
// estimates; EXPLAIN shows them.

#include <arrow/compute/expression.h>

#include <map>
#include <optional>
#include <set>
#include <string>

#include "quiver/plan/logical_plan.h"

namespace quiver::plan {

struct ColumnEstimate {
  std::optional<double> distinct;  // estimated distinct non-NULL values
  double null_fraction = 0;
  std::optional<double> min, max;  // on the number line of storage::NumberOf
  bool whole_numbers = false;      // integers or dates: [min, max] bounds the distinct count
};

struct Estimate {
  double rows = 1;
  std::map<std::string, ColumnEstimate> columns;  // by column name; missing = nothing known
};

class CardinalityEstimator {
 public:
  /// `key_columns` are plan columns whose distinct counts matter (join and grouping keys,
  /// filtered columns): only those are sampled from files. See KeyColumns().
  explicit CardinalityEstimator(std::set<std::string> key_columns) : key_columns_(std::move(key_columns)) {}

  /// The estimate for a subtree, remembered per operator for the estimator's lifetime
  /// (which keeps the operator alive, so a remembered address is never reused; an
  /// operator must not change once estimated).
  const Estimate& Of(const LogicalPlanPtr& node);

  /// The fraction of `input`'s rows for which `predicate` holds.
  static double Selectivity(const cp::Expression& predicate, const Estimate& input);
  /// The same for a conjunction, range bounds on one column taken together.
  static double ConjunctionSelectivity(const cp::Expression& predicate, const Estimate& input);

  /// The scan's table before its filter, keyed by file column names (as the filter is).
  Estimate FileColumns(const LogicalScan& scan);

  /// Rows of an inner join of `left` and `right` on `conditions` (expressions over both
  /// sides' columns; equalities of columns count as keys), with the output's columns.
  static Estimate InnerJoin(const Estimate& left, const Estimate& right, const std::vector<cp::Expression>& conditions);

 private:
  Estimate SetFunctionEstimate(const LogicalSetFunction& node);
  Estimate Compute(const LogicalOperator& node);
  Estimate ScanEstimate(const LogicalScan& scan);

  std::set<std::string> key_columns_;
  std::map<const LogicalOperator*, std::pair<LogicalPlanPtr, Estimate>> memo_;
};

/// Rows a subtree is estimated to produce, for a one-off question (statistics are
/// cached across estimators, so this is cheap after the first ask).
double EstimateRows(const LogicalPlanPtr& node);

/// The columns of a plan whose distinct counts estimates need: join keys and
/// conditions, grouping keys, filtered and partitioning columns.
std::set<std::string> KeyColumns(const LogicalOperator& plan);

/// "1.5M", "320", "12k": an estimate rounded for EXPLAIN.
std::string FormatRows(double rows);

}  // namespace quiver::plan
