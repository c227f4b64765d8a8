#pragma once

#include <arrow/acero/exec_plan.h>
#include <arrow/record_batch.h>
#include <arrow/result.h>

#include <memory>

namespace quiver::exec {

/// Starts an Acero plan and returns a reader that yields its batches as they are
/// produced (in order where the plan sorts). Closing the reader stops the plan. The
/// plan's nodes allocate from `pool` (the default pool when null).
arrow::Result<std::shared_ptr<arrow::RecordBatchReader>> StartPlan(arrow::acero::Declaration declaration,
                                                                   arrow::MemoryPool* pool = nullptr);

}  // namespace quiver::exec
