#pragma once

#include <arrow/result.h>

#include "quiver/plan/logical_plan.h"

namespace quiver::plan {

/// Simplifies every expression of the plan (see SimplifyExpression), drops filters that
/// always hold, and replaces operators that can produce no rows with an empty relation:
/// a filter that never holds, and what is built only on such a relation (an inner join
/// with an empty side, a projection or sort of nothing, …). A query over an always-false
/// condition then reads no files at all.
arrow::Status SimplifyPlan(LogicalPlanPtr& plan);

}  // namespace quiver::plan
