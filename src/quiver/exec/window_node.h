#pragma once

// SQL window functions as an Acero exec node ("quiver_window"). Acero has no window
// operator; this node computes `function(args) OVER (PARTITION BY … ORDER BY … frame)`
// for any number of calls that share one PARTITION BY / ORDER BY, with PostgreSQL's
// semantics. A query whose window calls have different PARTITION BY / ORDER BY clauses
// chains one node per distinct clause.
//
// Input:  any columns.
// Output: every input column, unchanged, followed by one column per call (named
//         `WindowCall::output`, typed by `WindowResultType`). Rows come out sorted by
//         (partition_by ascending with NULLs last, then order_by), in batches whose
//         ExecBatch::index is set, so an ordered consumer (fetch, ordered sink) works.
//
// The node is blocking: it buffers its whole input, then computes and emits.

#include <arrow/acero/options.h>
#include <arrow/compute/ordering.h>
#include <arrow/scalar.h>
#include <arrow/status.h>
#include <arrow/type.h>

#include <memory>
#include <string>
#include <vector>

namespace quiver::exec {

/// One end of a window frame.
///
/// `offset` is required for kPreceding / kFollowing and ignored otherwise. It must be
/// non-NULL and non-negative:
/// - ROWS:   an integer scalar, a number of rows.
/// - GROUPS: an integer scalar, a number of peer groups.
/// - RANGE:  a distance in the ORDER BY key's units: an integer for integer keys, any
///           number for floating-point keys, a decimal (any scale) or an integer for
///           decimal keys, and for date32 / date64 / timestamp keys a duration, a
///           month_day_nano interval or a day_time interval (months are added on the
///           calendar as PostgreSQL does, in UTC).
struct WindowFrameBound {
  enum Kind { kUnboundedPreceding, kPreceding, kCurrentRow, kFollowing, kUnboundedFollowing };

  Kind kind = kCurrentRow;
  std::shared_ptr<arrow::Scalar> offset;

  static WindowFrameBound UnboundedPreceding() { return {kUnboundedPreceding, nullptr}; }
  static WindowFrameBound Preceding(std::shared_ptr<arrow::Scalar> offset) { return {kPreceding, std::move(offset)}; }
  static WindowFrameBound CurrentRow() { return {kCurrentRow, nullptr}; }
  static WindowFrameBound Following(std::shared_ptr<arrow::Scalar> offset) { return {kFollowing, std::move(offset)}; }
  static WindowFrameBound UnboundedFollowing() { return {kUnboundedFollowing, nullptr}; }
};

/// The rows an aggregate or first_value / last_value / nth_value call sees for each
/// row. The default is SQL's default frame, RANGE BETWEEN UNBOUNDED PRECEDING AND
/// CURRENT ROW: from the partition's start to the current row's last peer, which is
/// the whole partition when there is no ORDER BY (all rows are peers then).
///
/// - kRows:   bounds count rows.
/// - kRange:  CURRENT ROW means the current row's peers (rows equal in ORDER BY);
///            offsets compare ORDER BY values (exactly one ORDER BY key is needed).
///            A row whose key is NULL (or NaN) is a peer only of rows whose key is
///            NULL (NaN), and is never within an offset of another value.
/// - kGroups: bounds count peer groups (needs an ORDER BY).
/// Frame EXCLUDE clauses are not supported. Invalid combinations are rejected as
/// PostgreSQL rejects them (a start of UNBOUNDED FOLLOWING, an end of UNBOUNDED
/// PRECEDING, a frame starting at CURRENT ROW or FOLLOWING that ends before it).
struct WindowFrame {
  enum Units { kRows, kRange, kGroups };

  Units units = kRange;
  WindowFrameBound start = WindowFrameBound::UnboundedPreceding();
  WindowFrameBound end = WindowFrameBound::CurrentRow();

  static WindowFrame Default() { return {}; }
  static WindowFrame WholePartition() {
    return {kRows, WindowFrameBound::UnboundedPreceding(), WindowFrameBound::UnboundedFollowing()};
  }
};

/// One window function call.
///
/// function     arguments       constants                          result type
/// ------------ --------------- ---------------------------------- -------------------
/// row_number   —               —                                  int64
/// rank         —               —                                  int64
/// dense_rank   —               —                                  int64
/// percent_rank —               —                                  float64
/// cume_dist    —               —                                  float64
/// ntile        —               [buckets (integer, > 0)]           int64
/// lag, lead    [value]         [offset (integer, default 1),      value's type
///                               default (NULL if not given)]
/// first_value  [value]         —                                  value's type
/// last_value   [value]         —                                  value's type
/// nth_value    [value]         [n (integer, > 0)]                 value's type
/// sum          [value]         —                                  Arrow's sum type:
///                                                                 int64 / uint64,
///                                                                 float64,
///                                                                 decimal(38, s)
/// avg          [value]         —                                  float64
/// min, max     [value]         —                                  value's type
/// count        [value]         —                                  int64
/// count_all    —               —                                  int64 (count(*))
///
/// Ranking functions and lag / lead ignore the frame (as in SQL); the others use it.
/// Aggregates skip NULLs: sum / avg / min / max of a frame without values are NULL,
/// count is 0. first_value / last_value / nth_value do not skip NULLs (no IGNORE
/// NULLS) and are NULL when the frame has no such row. A NULL ntile bucket count or
/// lag / lead offset gives NULL; lag / lead give `default` (cast to the value's type)
/// when the offset row lies outside the partition; a negative lag offset looks ahead.
/// min / max order floating point NaN above all numbers, as PostgreSQL does.
struct WindowCall {
  std::string function;
  std::vector<std::string> arguments;                     // input column names
  std::vector<std::shared_ptr<arrow::Scalar>> constants;  // see the table above
  WindowFrame frame;
  std::string output;  // output column name
};

/// Options of the "quiver_window" node.
///
/// partition_by: input column names; NULLs form one partition. Empty: one partition.
/// order_by:     sort keys over input column names, each with its direction and
///               NULL placement. Empty: all rows of a partition are peers.
/// calls:        computed in one pass; they share partition_by and order_by.
class WindowNodeOptions : public arrow::acero::ExecNodeOptions {
 public:
  static constexpr const char* kFactoryName = "quiver_window";

  WindowNodeOptions(std::vector<std::string> partition_by, std::vector<arrow::compute::SortKey> order_by,
                    std::vector<WindowCall> calls)
      : partition_by(std::move(partition_by)), order_by(std::move(order_by)), calls(std::move(calls)) {}

  std::vector<std::string> partition_by;
  std::vector<arrow::compute::SortKey> order_by;
  std::vector<WindowCall> calls;
};

/// Adds the node to Acero's default factory registry. Idempotent.
arrow::Status RegisterWindowNode();

/// The type `function` returns for arguments of `argument_types` (the types of
/// WindowCall::arguments, in order); an error names the function when it is unknown,
/// gets the wrong number of arguments or cannot take their types.
arrow::Result<std::shared_ptr<arrow::DataType>> WindowResultType(
    const std::string& function, const std::vector<std::shared_ptr<arrow::DataType>>& argument_types);

/// Whether `function` is a window function this node computes (the names above).
bool IsWindowFunction(const std::string& function);

}  // namespace quiver::exec
