#pragma once

#include <arrow/result.h>

#include "quiver/plan/cardinality.h"
#include "quiver/plan/logical_plan.h"

namespace quiver::plan {

/// Reorders each tree of inner and cross joins by estimated cardinality (see
/// cardinality.h). Up to kMaxExhaustiveRelations relations, every bushy order joining
/// connected relations is costed (dynamic programming over subsets); beyond that, the
/// connected pair with the smallest result is joined first, repeatedly. The cost of an
/// order is the rows all its joins produce plus the rows they hash. Each join hashes
/// its smaller input (Acero builds on the right input). Relations with no condition
/// between them are cross-joined last, smallest first. Outer, semi and anti joins keep
/// their place and sides; the reordered tree presents its columns in the original order.
arrow::Result<LogicalPlanPtr> ReorderJoins(LogicalPlanPtr plan, CardinalityEstimator& estimator);

inline constexpr size_t kMaxExhaustiveRelations = 10;

}  // namespace quiver::plan
