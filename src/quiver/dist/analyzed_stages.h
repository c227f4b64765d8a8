#pragma once

#include <string>
#include <vector>

#include "quiver/dist/stage_planner.h"
#include "quiver_plan.pb.h"

namespace quiver::dist {

/// EXPLAIN ANALYZE of a distributed query: what its tasks measured on their workers,
/// merged per stage and per operator.
struct AnalyzedStages {
  /// Each stage (final first) with its measured totals, then its plan with each
  /// operator's rows, times, CPU and held memory summed over the stage's tasks.
  std::vector<std::string> stages;
  /// Totals over every task: CPU time, bytes over the network, memory.
  std::vector<std::string> summary;
};

/// Merges `tasks` (Cluster::CollectMetrics) over the stages of `staged`. When a query ran
/// again after losing a worker, only its last attempt's tasks count. `unanswered` are
/// workers whose metrics could not be had.
AnalyzedStages AnalyzeStages(const StagedPlan& staged, const std::vector<pb::TaskMetrics>& tasks,
                             const std::vector<std::string>& unanswered = {});

}  // namespace quiver::dist
