#pragma once

#include <arrow/acero/exec_plan.h>
#include <arrow/record_batch.h>
#include <arrow/result.h>
#include <arrow/util/thread_pool.h>

#include <functional>
#include <memory>

namespace quiver::exec {

/// Asked while a reader waits for the plan's next batch (every few tens of
/// milliseconds): true when whoever wants the result has gone away, e.g. the
/// Flight client disconnected. The plan is then stopped and the read fails with
/// Cancelled.
using InterruptCheck = std::function<bool()>;

/// Starts an Acero plan and returns a reader that yields its batches as they are
/// produced (in order where the plan sorts). Closing the reader stops the plan.
/// Every allocation the plan makes goes through `pool` (when null, QueryMemoryPool());
/// when the memory budget runs out the read fails with OutOfMemory naming the limit and
/// the plan's operators that hold rows. The plan's tasks run on `executor` (when null,
/// Arrow's CPU thread pool).
arrow::Result<std::shared_ptr<arrow::RecordBatchReader>> StartPlan(arrow::acero::Declaration declaration,
                                                                   InterruptCheck interrupted = {},
                                                                   arrow::MemoryPool* pool = nullptr,
                                                                   arrow::internal::Executor* executor = nullptr);

}  // namespace quiver::exec
