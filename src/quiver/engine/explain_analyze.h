#pragma once

#include <arrow/result.h>

#include <string>
#include <vector>

#include "quiver/exec/executor.h"
#include "quiver/plan/logical_plan.h"

namespace quiver::engine {

/// EXPLAIN ANALYZE: runs `plan` to its end, discarding its rows, and returns the text
/// lines: the logical plan with each operator's estimated and actual rows, its times, CPU
/// time and the memory it held; the physical plan; the CPU time in operators; and last a
/// summary with the total time and the query's peak memory. What each number means is in docs/architecture.md.
arrow::Result<std::vector<std::string>> ExplainAnalyze(const plan::LogicalPlanPtr& plan, bool verbose,
                                                       exec::InterruptCheck interrupted = {});

}  // namespace quiver::engine
