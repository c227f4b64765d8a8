#pragma once

#include <arrow/result.h>

#include "quiver/plan/logical_plan.h"

namespace quiver::plan {

/// Computes each expression that a projection would otherwise compute more than once
/// (in two output columns, or twice within one) a single time: a projection below
/// computes it as a column, and the projection reads that column. TPC-H Q1's
/// `l_extendedprice * (1 - l_discount)` feeds two sums. Only pure functions are shared
/// (random() stays per use), and the largest repeated expression is shared first.
arrow::Status ShareCommonSubexpressions(LogicalPlanPtr& plan);

}  // namespace quiver::plan
