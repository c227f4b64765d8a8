#pragma once

#include <arrow/util/thread_pool.h>

#include <atomic>
#include <cstdint>
#include <memory>

#include "quiver/exec/metrics_node.h"

namespace quiver::exec {

// Per-operator CPU time for EXPLAIN ANALYZE. Acero pushes a batch synchronously from
// node to node, so one call stack runs several operators' work in turn. Each metrics
// node marks the switch: while it hands a batch (or the end of input) to the operator
// above, the thread's CPU time is that operator's; when the call returns, it is again
// the operator below's. Work an operator hands to the scheduler runs in tasks on
// AttributingExecutor(), which credits a task to the operator its spawner worked for.

/// CPU time the current thread has used, in nanoseconds.
int64_t ThreadCpuNow();

/// While alive, the thread's CPU time is `consumer`'s, the operator `producer`'s output
/// is handed to (null: the plan's sink). Time a task spent before, not yet credited to
/// anyone, was `producer`'s: it produced what it is handing on. `unattributed` takes
/// the time of tasks spawned meanwhile that no operator can be credited with.
class CreditScope {
 public:
  CreditScope(const std::shared_ptr<OperatorMetrics>& producer, const std::shared_ptr<OperatorMetrics>& consumer,
              const std::shared_ptr<UnattributedCpu>& unattributed);
  ~CreditScope();
  CreditScope(const CreditScope&) = delete;
  CreditScope& operator=(const CreditScope&) = delete;

 private:
  std::shared_ptr<OperatorMetrics> previous_;
  std::shared_ptr<UnattributedCpu> previous_unattributed_;
};

/// An executor running tasks on Arrow's CPU thread pool, crediting each task's CPU time
/// to the operator the spawning thread was working for (a hash join's table build is
/// the join's work); a task spawned outside any operator is credited as CreditScope
/// says. It lives as long as the process: work of a plan may still be spawned (a scan's
/// read-ahead) after the plan has finished, and tasks hold what they credit.
arrow::internal::Executor* AttributingExecutor();

}  // namespace quiver::exec
