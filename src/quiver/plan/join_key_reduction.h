#pragma once

#include <arrow/result.h>

#include "quiver/plan/cardinality.h"
#include "quiver/plan/logical_plan.h"

namespace quiver::plan {

/// For a join L ⋈ R (inner or left) whose right side R is an aggregate grouped by the
/// join's right keys (as a decorrelated subquery is), filters the aggregate's input to
/// the key values L can produce: a semi join against a copy of the smallest part of L
/// that yields the key columns. Groups whose key L never holds cannot find a partner,
/// so the answer is the same; the aggregate reads far fewer rows. TPC-H Q17's per-part
/// average then covers the 200 parts the query keeps instead of all 200,000. Applied
/// only where that part of L is estimated much smaller than the aggregate's input.
arrow::Status ReduceAggregatedJoinSides(LogicalPlanPtr& plan, CardinalityEstimator& estimator);

}  // namespace quiver::plan
