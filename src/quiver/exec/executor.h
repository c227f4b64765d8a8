#pragma once

#include <arrow/acero/exec_plan.h>
#include <arrow/record_batch.h>
#include <arrow/result.h>
#include <arrow/util/thread_pool.h>

#include <memory>

namespace quiver::exec {

/// Starts an Acero plan and returns a reader that yields its batches as they are
/// produced (in order where the plan sorts). Closing the reader stops the plan. The
/// plan's nodes allocate from `pool` and run their tasks on `executor` (when null, the
/// default pool and Arrow's CPU thread pool).
arrow::Result<std::shared_ptr<arrow::RecordBatchReader>> StartPlan(arrow::acero::Declaration declaration,
                                                                   arrow::MemoryPool* pool = nullptr,
                                                                   arrow::internal::Executor* executor = nullptr);

}  // namespace quiver::exec
