#pragma once

#include <arrow/result.h>

#include "quiver/plan/logical_plan.h"

namespace quiver::plan {

/// Rewrites a bound plan into one that computes the same rows with less work:
///  - filter pushdown: WHERE conjuncts move below joins to the side they read, turn
///    cross joins with equalities into hash joins, and end up inside scans, where
///    Parquet statistics skip row groups;
///  - projection pruning: every operator keeps only the columns something above it
///    reads, so scans decode only referenced columns;
///  - projection merging: a projection that only renames columns of the one below
///    it is folded into it.
arrow::Result<LogicalPlanPtr> Optimize(LogicalPlanPtr plan);

}  // namespace quiver::plan
