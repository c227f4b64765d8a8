#include "quiver/exec/accumulating_node.h"

#include <arrow/acero/query_context.h>

#include <algorithm>

namespace quiver::exec {

arrow::Status AccumulatingNode::EmitInBatches(const arrow::compute::ExecBatch& result, const char* task_name) {
  int batch_index = 0;
  for (int64_t offset = 0; offset < result.length; offset += arrow::acero::ExecPlan::kMaxBatchSize) {
    arrow::compute::ExecBatch slice =
        result.Slice(offset, std::min<int64_t>(arrow::acero::ExecPlan::kMaxBatchSize, result.length - offset));
    slice.index = batch_index++;
    plan_->query_context()->ScheduleTask(
        [this, slice = std::move(slice)]() mutable { return output_->InputReceived(this, std::move(slice)); },
        task_name);
  }
  return output_->InputFinished(this, batch_index);
}

}  // namespace quiver::exec
