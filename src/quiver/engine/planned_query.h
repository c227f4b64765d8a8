#pragma once

#include <memory>
#include <vector>

#include "quiver/plan/logical_plan.h"

namespace quiver::engine {

/// A query's optimized plan, made when only its result's schema was asked for and
/// kept to be run once later without planning it again: a Flight SQL server plans a
/// query for its FlightInfo, and the ticket's fetch runs that same plan.
struct PlannedQuery {
  plan::LogicalPlanPtr plan;
  /// The WITH queries the plan reads as tables, computed just before it runs.
  std::vector<std::shared_ptr<plan::RecursiveCtePlan>> with_queries;
  /// Whether the plan reads one of the session's temporary tables, which live with this
  /// node: such a query runs here alone.
  bool reads_temporary_table = false;
};

}  // namespace quiver::engine
