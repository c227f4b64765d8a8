#pragma once

#include <arrow/result.h>

#include "quiver/plan/logical_plan.h"

namespace quiver::plan {

/// Reorders trees of inner and cross joins so that each join adds a relation connected
/// to the ones already joined by an equality (no cross product while a connected
/// relation is left), starting from the largest relation and adding the smallest
/// connected one next, which Acero then builds its hash table on. Sizes are estimated
/// from Parquet row counts, shrunk for each pushed filter conjunct; without statistics
/// for other operators the estimates are rough. Outer, semi and anti joins keep their
/// place and order.
arrow::Result<LogicalPlanPtr> ReorderJoins(LogicalPlanPtr plan);

/// Rows a subtree may produce: Parquet footers' row counts for scans (a fifth kept per
/// pushed filter conjunct), the largest input for most other operators. Rough; good
/// for telling a small side from a large one.
double EstimateRows(const LogicalOperator& node);

}  // namespace quiver::plan
