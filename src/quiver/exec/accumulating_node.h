#pragma once

#include <arrow/acero/exec_plan.h>
#include <arrow/compute/exec.h>
#include <arrow/status.h>

#include <atomic>

namespace quiver::exec {

/// Base of Quiver's nodes that take one input, keep what it sends, and produce their
/// result once it has ended (the window node, the top-N, the integer-key aggregate).
/// Pausing and resuming pass to the input; there is nothing to start.
class AccumulatingNode : public arrow::acero::ExecNode {
 public:
  using arrow::acero::ExecNode::ExecNode;

  arrow::Status StartProducing() override { return arrow::Status::OK(); }
  void PauseProducing(arrow::acero::ExecNode*, int32_t counter) override { inputs_[0]->PauseProducing(this, counter); }
  void ResumeProducing(arrow::acero::ExecNode*, int32_t counter) override {
    inputs_[0]->ResumeProducing(this, counter);
  }

 protected:
  // A stopped plan (a cancelled query) may still see its input end; computing the
  // result over everything received so far would then be wasted work.
  arrow::Status StopProducingImpl() override {
    stopped_.store(true);
    return arrow::Status::OK();
  }
  bool stopped() const { return stopped_.load(); }

  /// Hands `result` to the output in batches of at most ExecPlan::kMaxBatchSize rows,
  /// each delivered by a task of its own and numbered in order, then reports how many.
  arrow::Status EmitInBatches(const arrow::compute::ExecBatch& result, const char* task_name);

 private:
  std::atomic<bool> stopped_{false};
};

}  // namespace quiver::exec
