#pragma once

// The logical plan: what a query computes, as a tree of relational operators. Every
// operator's output columns have names unique within the whole plan ("price#7"), so
// expressions refer to columns by name without ambiguity and operators can be moved
// by the optimizer without renaming. The final projection gives user-visible names.

#include <arrow/compute/expression.h>
#include <arrow/compute/ordering.h>
#include <arrow/table.h>
#include <arrow/type.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "quiver/storage/file_table.h"

namespace quiver::plan {

namespace cp = arrow::compute;

enum class LogicalKind {
  kScan,
  kValues,
  kFilter,
  kProject,
  kAggregate,
  kJoin,
  kSort,
  kLimit,
  kUnion,
  kWindow,
  kMaterialized,
  kSetFunction,
  kExchange,
  kExtension  // a user's operator (LogicalExtension, logical_extension.h)
};

class LogicalOperator;
struct Estimate;  // cardinality.h
using LogicalPlanPtr = std::shared_ptr<LogicalOperator>;

class LogicalOperator {
 public:
  explicit LogicalOperator(LogicalKind kind) : kind(kind) {}
  virtual ~LogicalOperator() = default;

  /// One line describing this operator (without its inputs), for EXPLAIN.
  virtual std::string Describe() const = 0;

  const LogicalKind kind;
  std::shared_ptr<arrow::Schema> schema;  // output columns
  std::vector<LogicalPlanPtr> inputs;
};

/// Reads a table over files. `columns[i]` is the file column behind output field i;
/// `filter` (over file column names) is pushed into the scan to skip row groups and
/// is also applied exactly to the rows read.
class LogicalScan : public LogicalOperator {
 public:
  LogicalScan() : LogicalOperator(LogicalKind::kScan) {}
  std::string Describe() const override;

  std::string table_name;  // as written in the query, for EXPLAIN
  std::shared_ptr<storage::FileTable> source;
  /// The table is marked with CACHE TABLE: its Parquet columns are read through the
  /// decoded-column cache of the process that runs the scan.
  bool cached = false;
  std::vector<std::string> columns;
  std::optional<cp::Expression> filter;
  /// The first this many conjuncts of `filter` are checked first, on every row read;
  /// the rest only on the rows that pass them (0: all at once).
  size_t leading_conjuncts = 0;
};

/// Constant rows computed while binding (VALUES, SELECT without FROM).
class LogicalValues : public LogicalOperator {
 public:
  LogicalValues() : LogicalOperator(LogicalKind::kValues) {}
  std::string Describe() const override;

  std::shared_ptr<arrow::Table> table;  // columns named as `schema`
};

/// Keeps rows for which `predicate` is true (not false, not NULL).
class LogicalFilter : public LogicalOperator {
 public:
  LogicalFilter() : LogicalOperator(LogicalKind::kFilter) {}
  std::string Describe() const override;

  cp::Expression predicate;
};

/// Computes one output column per expression; schema->field(i) names expressions[i].
class LogicalProject : public LogicalOperator {
 public:
  LogicalProject() : LogicalOperator(LogicalKind::kProject) {}
  std::string Describe() const override;

  std::vector<cp::Expression> expressions;
};

struct AggregateCall {
  std::string function;  // Arrow's grouped kernel name without "hash_", e.g. "sum", "count_distinct"
  std::string input;     // input column name; empty for count(*)
  std::shared_ptr<cp::FunctionOptions> options;
  std::string output;  // output column name
};

/// Groups by `keys` (input column names) and computes `aggregates`. The output is the
/// keys followed by the aggregates. With no keys, one row over all input.
class LogicalAggregate : public LogicalOperator {
 public:
  LogicalAggregate() : LogicalOperator(LogicalKind::kAggregate) {}
  std::string Describe() const override;

  std::vector<std::string> keys;
  std::vector<AggregateCall> aggregates;
};

/// kSemi keeps the left rows that have a match, kAnti those that have none (EXISTS,
/// IN and their negations); both output the left columns only.
enum class LogicalJoinType { kInner, kLeft, kRight, kFull, kCross, kSemi, kAnti };

/// True for the join types whose output holds the right side's columns too.
inline bool OutputsRightColumns(LogicalJoinType type) {
  return type != LogicalJoinType::kSemi && type != LogicalJoinType::kAnti;
}

/// Joins inputs[0] (left) and inputs[1] (right) on left_keys[i] = right_keys[i] (NULLs
/// never match), then keeps pairs for which `residual` holds. Output: left columns then
/// right columns (left columns only for semi and anti joins). The residual is bound
/// against the left and right columns together.
class LogicalJoin : public LogicalOperator {
 public:
  LogicalJoin() : LogicalOperator(LogicalKind::kJoin) {}
  std::string Describe() const override;

  LogicalJoinType join_type = LogicalJoinType::kInner;
  std::vector<std::string> left_keys;
  std::vector<std::string> right_keys;
  /// Keys match when both are NULL too (INTERSECT, EXCEPT); otherwise NULL never matches.
  bool null_equal_keys = false;
  std::optional<cp::Expression> residual;
};

class LogicalSort : public LogicalOperator {
 public:
  LogicalSort() : LogicalOperator(LogicalKind::kSort) {}
  std::string Describe() const override;

  std::vector<cp::SortKey> keys;  // targets are column names
};

class LogicalLimit : public LogicalOperator {
 public:
  LogicalLimit() : LogicalOperator(LogicalKind::kLimit) {}
  std::string Describe() const override;

  int64_t offset = 0;
  std::optional<int64_t> count;  // unset: no limit, only an offset
};

/// Concatenates inputs with identical column types (UNION ALL). The output takes the
/// first input's column names.
class LogicalUnion : public LogicalOperator {
 public:
  LogicalUnion() : LogicalOperator(LogicalKind::kUnion) {}
  std::string Describe() const override;
};

/// One end of a window frame; `offset` (a constant) for kPreceding / kFollowing.
struct WindowBound {
  enum Kind { kUnboundedPreceding, kPreceding, kCurrentRow, kFollowing, kUnboundedFollowing };
  Kind kind = kCurrentRow;
  std::shared_ptr<arrow::Scalar> offset;
};

struct WindowFrameSpec {
  enum Units { kRows, kRange, kGroups };
  Units units = kRange;
  WindowBound start{WindowBound::kUnboundedPreceding, nullptr};
  WindowBound end{WindowBound::kCurrentRow, nullptr};
};

/// A window function call: row_number, rank, dense_rank, percent_rank, cume_dist,
/// ntile, lag, lead, first_value, last_value, nth_value, sum, avg, min, max, count,
/// count_all.
struct WindowFunctionCall {
  std::string function;
  std::vector<std::string> arguments;                     // input column names
  std::vector<std::shared_ptr<arrow::Scalar>> constants;  // lag/lead offset and default, ntile, nth_value n
  WindowFrameSpec frame;
  std::string output;
};

/// Computes window functions that share one PARTITION BY / ORDER BY. Output: the input
/// columns followed by one column per call.
class LogicalWindow : public LogicalOperator {
 public:
  LogicalWindow() : LogicalOperator(LogicalKind::kWindow) {}
  std::string Describe() const override;

  std::vector<std::string> partition_by;
  std::vector<cp::SortKey> order_by;
  std::vector<WindowFunctionCall> calls;
};

/// Calls a set-returning function for each input row and emits one row per element
/// it returns: the input row's columns, then the element's column(s). This is a
/// function call in FROM, which may read the columns of the FROM items before it
/// (implicitly LATERAL); a call that reads none has a single row of no columns for
/// input, or the rows it is cross joined with.
///  - generate_series(start, stop [, step]): integers (step 1 by default), or
///    timestamps stepped by an interval; one column.
///  - unnest(array, …): the arrays' elements side by side, as many rows as the
///    longest has (the others padded with NULL); one column per array.
class LogicalSetFunction : public LogicalOperator {
 public:
  LogicalSetFunction() : LogicalOperator(LogicalKind::kSetFunction) {}
  std::string Describe() const override;

  std::string function;                   // "generate_series" or "unnest"
  std::vector<cp::Expression> arguments;  // over the input columns (by name)
  /// The output columns the function fills, after the input's (schema's last ones).
  std::vector<std::string> outputs;
  /// WITH ORDINALITY: the name of a last column numbering each input row's elements
  /// from 1; empty without.
  std::string ordinality;
  /// LEFT JOIN: an input row without elements still gives one row, with NULL function
  /// columns.
  bool keep_empty = false;
};

/// Reads rows another stage of a distributed query produced (dist/): this task's
/// partition of the output of every task of stage `stage`. Only distributed plans
/// hold exchanges; the distributed planner makes them after optimization.
class LogicalExchange : public LogicalOperator {
 public:
  LogicalExchange() : LogicalOperator(LogicalKind::kExchange) {}
  std::string Describe() const override;

  uint32_t stage = 0;
  /// 0: the stage's output; k: its k-th broadcast copy (PlannedStage::broadcast_copies).
  uint32_t copy = 0;
  /// How the producing stage splits its rows, for EXPLAIN ("hash(k)", "single", "broadcast").
  std::string partitioning;
  /// The rows the plan the exchange replaced was estimated to give (all partitions).
  double estimated_rows = 0;
  /// That plan's whole estimate (rows and columns: distinct counts, ranges), so joins
  /// and aggregates above the exchange are estimated as they would be without it. Only
  /// the planner that cut the plan has it; plans decoded on workers do not.
  std::shared_ptr<const Estimate> estimate;
};

/// Extra text for an operator's line in FormatLogicalPlan (estimates, measurements).
using PlanAnnotator = std::function<std::string(const LogicalPlanPtr&)>;

/// A deep copy of a plan tree: every operator is copied, so optimizer rules that change
/// operators in place change one copy only. Column names stay as they are: a copy may
/// sit beside its original under a union (no rule relates columns across one), but
/// joining the two would give the join two columns of one name.
LogicalPlanPtr ClonePlan(const LogicalPlanPtr& plan);

/// A copy of one operator that shares its inputs with the original.
LogicalPlanPtr CopyOperator(const LogicalOperator& node);

/// Rows computed before the plan that reads them runs: a recursive WITH query's result,
/// or its working table while it iterates. The engine fills `table` (columns as
/// `schema`, positionally); readers hold the slot, not the rows.
struct MaterializedTable {
  std::string name;
  std::shared_ptr<arrow::Schema> schema;
  std::shared_ptr<arrow::Table> table;  // null until computed
};

/// Reads a materialized table; `columns[i]` is the slot column behind output field i.
class LogicalMaterialized : public LogicalOperator {
 public:
  LogicalMaterialized() : LogicalOperator(LogicalKind::kMaterialized) {}
  std::string Describe() const override;

  std::shared_ptr<MaterializedTable> slot;
  std::vector<int> columns;
  bool working_table = false;  // the recursive term's view of the previous iteration
};

/// A recursive WITH query, run by the engine before the statement's plan: `anchor`
/// (the non-recursive term) gives the first rows; then `recursive`, which reads the
/// rows of the previous round through `working`, runs until it adds no rows. With
/// UNION (not ALL) rows equal to any earlier row are dropped, NULLs counting as equal.
/// Both plans output the slot's columns in order and types. Without `recursive` (and
/// `working`), a WITH query named more than once: `anchor` alone, computed once.
struct RecursiveCtePlan {
  std::string name;
  std::shared_ptr<MaterializedTable> result;
  std::shared_ptr<MaterializedTable> working;
  LogicalPlanPtr anchor;
  LogicalPlanPtr recursive;
  bool union_all = false;
};

/// The indented tree of a plan, one operator per line, with output columns when
/// `with_columns` is set.
std::string FormatLogicalPlan(const LogicalOperator& root, bool with_columns = false);

/// As above, each line followed by what `annotate` says about its operator.
std::string FormatLogicalPlan(const LogicalPlanPtr& root, bool with_columns, const PlanAnnotator& annotate);

}  // namespace quiver::plan
