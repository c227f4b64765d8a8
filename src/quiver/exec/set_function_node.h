#pragma once

// Calls a set-returning function (generate_series, unnest) for every input row, as the
// Acero exec node "quiver_set_function": the operator behind a function call in FROM
// (plan::LogicalSetFunction).
//
// Input:  one input.
// Output: for each input row, one row per element the function returns for it: the
//         input row's columns, then the function's columns, then (with ordinality)
//         the element's number from 1. With keep_empty, an input row without
//         elements gives one row with NULL function columns (LEFT JOIN).
//
// Output batches hold at most `max_batch_rows` rows, however many elements one input
// row has (generate_series(1, 1e9) streams). While the consumer is behind, the node
// waits between batches instead of piling them up; a stopped plan (a LIMIT satisfied,
// a cancelled query) ends the expansion in progress.

#include <arrow/acero/options.h>
#include <arrow/compute/expression.h>
#include <arrow/status.h>
#include <arrow/type.h>

#include <string>
#include <vector>

namespace quiver::exec {

class SetFunctionNodeOptions : public arrow::acero::ExecNodeOptions {
 public:
  static constexpr const char* kFactoryName = "quiver_set_function";

  std::string function;  // "generate_series" or "unnest"
  /// Over the input columns (unbound, or bound to the input's schema).
  std::vector<arrow::compute::Expression> arguments;
  arrow::FieldVector outputs;  // the function's columns
  std::string ordinality;      // the element-number column's name; empty for none
  bool keep_empty = false;
  int64_t max_batch_rows = 32 * 1024;
};

/// Adds the node to Acero's default factory registry. Idempotent.
arrow::Status RegisterSetFunctionNode();

}  // namespace quiver::exec
