#pragma once

// Internal to the window node: the whole computation on buffered input, apart from
// Acero's plumbing.

#include <arrow/compute/exec.h>
#include <arrow/record_batch.h>
#include <arrow/result.h>

#include "quiver/exec/window_node.h"

namespace quiver::exec::window {

// The output schema: `input` followed by one column per call. Checks every column
// name, function, argument and frame, so a bad plan fails before it runs.
arrow::Result<std::shared_ptr<arrow::Schema>> WindowOutputSchema(const arrow::Schema& input,
                                                                 const WindowNodeOptions& options);

// The sort keys the rows come out in: PARTITION BY ascending with NULLs last, then
// ORDER BY.
std::vector<arrow::compute::SortKey> WindowSortKeys(const WindowNodeOptions& options);

// Sorts `input` by WindowSortKeys (stably) and appends the calls' columns.
arrow::Result<std::shared_ptr<arrow::RecordBatch>> ComputeWindow(const std::shared_ptr<arrow::RecordBatch>& input,
                                                                 const WindowNodeOptions& options,
                                                                 const std::shared_ptr<arrow::Schema>& output_schema,
                                                                 arrow::compute::ExecContext* context);

}  // namespace quiver::exec::window
