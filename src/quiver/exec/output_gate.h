#pragma once

// Backpressure and early ends for exec nodes that produce many output batches from one
// input batch (a nested-loop join's probe batch, a set-returning function's input
// row). Pausing the node's inputs does not slow down work already under way, which
// can produce millions of rows; the producing thread waits at the gate between output
// batches while the consumer is behind, so the output does not pile up in memory.
//
// The gate closes when no more output is wanted: the plan was stopped (a cancelled
// query), after which the node must not end its output (a sort above would sort what
// it has so far), or a LIMIT downstream has all its rows, after which the node ends
// its output as usual so the plan completes without an error.

#include <arrow/acero/exec_plan.h>
#include <arrow/compute/exec.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace quiver::exec {

class OutputGate {
 public:
  /// From the node's PauseProducing / ResumeProducing. The signals may arrive out of
  /// order; the highest counter is the latest.
  void SetPaused(bool paused, int32_t counter);
  /// No more output is wanted; `may_finish` false when the plan was stopped.
  void Close(bool may_finish);
  bool closed() const { return closed_.load(); }
  /// Whether the node may end its output: not after the plan was stopped.
  bool may_finish() const { return !plan_stopped_.load(); }
  /// Blocks while paused and not closed.
  void WaitWhilePaused();

  /// Passes `batch` from `node` to `output` and counts it, then waits while paused; a
  /// closed gate refuses it with Cancelled, which ends the producing loop.
  arrow::Status Emit(arrow::acero::ExecNode* node, arrow::acero::ExecNode* output, arrow::compute::ExecBatch batch);
  /// How many batches Emit passed on.
  int emitted() const { return emitted_.load(); }
  /// `status`, or OK when it is Emit's refusal after the gate closed: the end of the
  /// node's work, not the query's error.
  arrow::Status IgnoringClosed(arrow::Status status) const;

 private:
  std::atomic<bool> closed_{false};
  std::atomic<bool> plan_stopped_{false};
  std::atomic<int> emitted_{0};
  std::mutex mutex_;
  std::condition_variable resumed_;
  bool paused_ = false;
  int32_t counter_ = -1;
};

/// An exec node that can stop producing when nothing downstream needs more rows and
/// still end its output normally.
class StopsWhenSatisfied {
 public:
  virtual ~StopsWhenSatisfied() = default;
  virtual void OutputNotNeeded() = 0;
};

/// Tells every StopsWhenSatisfied node in the input tree of `node` (which has all the
/// rows it needs) that its output is not needed. Acero's StopProducing would end those
/// nodes too, but it also fails others (a hash join reports its stop as an error).
void TellOutputNotNeeded(arrow::acero::ExecNode* node);

}  // namespace quiver::exec
