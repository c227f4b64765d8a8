#pragma once

// What a set-returning function returns for each row of one batch: how many elements,
// and their values as columns. The exec node (set_function_node.h) decides how the
// elements are cut into output batches; this only computes them.
//
//  - generate_series(start, stop, step) over int64: start, start + step, … while not
//    past stop (none when start is already past it), as PostgreSQL counts them.
//  - generate_series(start, stop, step) over timestamps with a month_day_nano step:
//    each element is the previous one plus the step (months clamp the day, as in
//    timestamp + interval).
//  - unnest(list, …): the lists' elements side by side, as many as the longest list
//    has, the shorter lists padded with NULL. A NULL list has no elements.
// A NULL argument gives no elements; a step of zero is an error.

#include <arrow/array.h>
#include <arrow/datum.h>
#include <arrow/result.h>

#include <memory>
#include <string>
#include <vector>

namespace quiver::exec {

/// Elements [first, first + count) of input row `row`. A `null_row` run is one row of
/// NULLs instead (count 1): what an input row without elements gives in a LEFT JOIN.
struct ElementRun {
  int64_t row = 0;
  int64_t first = 0;
  int64_t count = 0;
  bool null_row = false;
};

class SetFunctionRows {
 public:
  virtual ~SetFunctionRows() = default;

  /// The function over one batch's evaluated `arguments` (arrays of the batch's
  /// length, or scalars), giving columns of the `outputs` types.
  static arrow::Result<std::unique_ptr<SetFunctionRows>> Make(const std::string& function,
                                                              std::vector<arrow::Datum> arguments,
                                                              const arrow::FieldVector& outputs);

  /// How many elements input row `row` has.
  virtual arrow::Result<int64_t> Count(int64_t row) = 0;

  /// The function's columns for `runs`, in order (rows of one run after another).
  /// Runs of one input row come in increasing order of `first`, and input rows in
  /// increasing order.
  virtual arrow::Result<arrow::ArrayVector> Columns(const std::vector<ElementRun>& runs, int64_t total_rows,
                                                    arrow::MemoryPool* pool) = 0;
};

}  // namespace quiver::exec
