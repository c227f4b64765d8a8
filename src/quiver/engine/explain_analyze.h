#pragma once

#include <arrow/result.h>

#include <map>
#include <string>
#include <vector>

#include "quiver/dist/cluster.h"
#include "quiver/exec/executor.h"
#include "quiver/plan/logical_plan.h"

namespace quiver::engine {

/// The text of EXPLAIN ANALYZE, in two parts so that a caller can put more plans (of
/// WITH queries computed first) between them.
struct AnalyzedPlan {
  /// The logical plan with each operator's estimated and actual rows, its times, CPU
  /// time and the memory it held; then the physical plan.
  std::vector<std::string> plans;
  /// The CPU time in operators, then the total time and the query's peak memory.
  std::vector<std::string> summary;
};

/// EXPLAIN ANALYZE: runs `plan` to its end, discarding its rows, and describes the run.
/// What each number means is in docs/architecture.md.
/// `settings` are the session's (user plan nodes read them).
arrow::Result<AnalyzedPlan> ExplainAnalyze(const plan::LogicalPlanPtr& plan, bool verbose,
                                           exec::InterruptCheck interrupted = {},
                                           const std::map<std::string, std::string>* settings = nullptr);

/// EXPLAIN ANALYZE of a query placed on the cluster (distributed with `analyze`): runs
/// it to its end, discarding its rows, and merges what every task measured on its
/// worker per stage and per operator.
arrow::Result<AnalyzedPlan> ExplainAnalyzeOnCluster(dist::Cluster& cluster, const dist::DistributedQuery& query,
                                                    exec::InterruptCheck interrupted = {});

}  // namespace quiver::engine
