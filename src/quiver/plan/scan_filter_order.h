#pragma once

#include <arrow/status.h>

#include "quiver/plan/cardinality.h"
#include "quiver/plan/logical_plan.h"

namespace quiver::plan {

/// Puts first, in each scan's filter, the conjuncts on the column (or columns) that
/// keep the fewest rows, and marks them to be checked on their own before the rest
/// (LogicalScan::leading_conjuncts): TPC-H Q6 then compares its decimal discount and
/// quantity only on the sixth of the rows its date range keeps. Only when that
/// leading part is estimated to keep at most half the rows.
arrow::Status OrderScanFilters(LogicalPlanPtr& plan, CardinalityEstimator& estimator);

}  // namespace quiver::plan
