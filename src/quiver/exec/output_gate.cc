#include "quiver/exec/output_gate.h"

namespace quiver::exec {

void OutputGate::SetPaused(bool paused, int32_t counter) {
  {
    std::lock_guard lock(mutex_);
    if (counter <= counter_) return;
    counter_ = counter;
    paused_ = paused;
  }
  if (!paused) resumed_.notify_all();
}

void OutputGate::Close(bool may_finish) {
  if (!may_finish) plan_stopped_.store(true);
  closed_.store(true);
  { std::lock_guard lock(mutex_); }
  resumed_.notify_all();
}

void OutputGate::WaitWhilePaused() {
  std::unique_lock lock(mutex_);
  resumed_.wait(lock, [this] { return !paused_ || closed_.load(); });
}

arrow::Status OutputGate::Emit(arrow::acero::ExecNode* node, arrow::acero::ExecNode* output,
                               arrow::compute::ExecBatch batch) {
  if (closed()) return arrow::Status::Cancelled(node->label(), " no longer produces output");
  emitted_.fetch_add(1);
  ARROW_RETURN_NOT_OK(output->InputReceived(node, std::move(batch)));
  WaitWhilePaused();
  return arrow::Status::OK();
}

arrow::Status OutputGate::IgnoringClosed(arrow::Status status) const {
  if (closed() && status.IsCancelled()) return arrow::Status::OK();
  return status;
}

void TellOutputNotNeeded(arrow::acero::ExecNode* node) {
  for (auto* input : node->inputs()) {
    if (auto* stoppable = dynamic_cast<StopsWhenSatisfied*>(input)) stoppable->OutputNotNeeded();
    TellOutputNotNeeded(input);
  }
}

}  // namespace quiver::exec
