#pragma once

#include <arrow/array/data.h>
#include <arrow/compute/exec.h>
#include <arrow/memory_pool.h>
#include <arrow/result.h>

namespace quiver::exec {

/// The rows of `batch` where `mask` (a boolean array of the batch's length) is true; a
/// NULL in the mask drops its row. Selects without copying when every row or no row is
/// kept. Fixed-width columns are gathered word by word of the mask, which costs about
/// the same per kept row whether kept rows come in long runs or alone; other columns
/// use Arrow's filter kernel.
arrow::Result<arrow::compute::ExecBatch> SelectRows(const arrow::compute::ExecBatch& batch,
                                                    const arrow::ArrayData& mask, arrow::MemoryPool* pool);

/// The rows of a batch that `outer` keeps and, among those, `inner` keeps: `inner` has
/// one entry per row `outer` keeps, in order (a condition evaluated on the rows
/// `outer` selected). A NULL in either drops its row. The result has `outer`'s length
/// and no NULLs.
arrow::Result<std::shared_ptr<arrow::ArrayData>> ComposeMasks(const arrow::ArrayData& outer,
                                                              const arrow::ArrayData& inner, arrow::MemoryPool* pool);

}  // namespace quiver::exec
