#pragma once

// Decorrelation through the domain of the outer values, for subqueries whose
// correlation is not a set of equalities (inner column = outer expression).
//
// A correlated subquery is computed once per distinct correlation key, not once per
// outer row: aggregates, DISTINCT and LIMIT are grouped by the inner columns the
// correlation reads, and the result is joined to the outer rows. That gives each outer
// row exactly its own rows only when the correlation is made of equalities. For any
// other correlation (`inner.y < outer.x`), the key is the outer values themselves: the
// distinct values of the outer columns the correlation reads (the domain) are joined
// with the subquery's input by the correlation, the subquery is computed per domain
// value, and the result is joined back to the outer rows by equality on those columns.
// A NULL outer value is a domain value like any other (the correlation may hold for
// it: `… OR outer.x IS NULL`), so the join back matches NULL with NULL.

#include <arrow/result.h>

#include <string>
#include <vector>

#include "quiver/plan/bind_context.h"
#include "quiver/plan/bind_scope.h"
#include "quiver/plan/logical_plan.h"

namespace quiver::plan {

/// A subquery's input joined with its correlation's domain.
struct CorrelationDomain {
  LogicalPlanPtr plan;                      // the input's columns, then the domain's
  std::vector<ScopeColumn> columns;         // the domain's columns, hidden from SQL names
  std::vector<cp::Expression> correlation;  // domain column = outer column, for each
};

/// Joins `input` (the subquery's FROM and WHERE) with the distinct values, in
/// `outer_rows`, of the outer columns that `correlation` reads; the correlation is
/// rewritten over the domain's columns to join them. `outer_rows` is copied: it is
/// computed once for the domain and once for the outer query.
arrow::Result<CorrelationDomain> JoinCorrelationDomain(const LogicalPlanPtr& input,
                                                       const std::vector<cp::Expression>& correlation,
                                                       const LogicalPlanPtr& outer_rows, BindContext& context);

/// Joins `left` (the outer rows) with `right` (a decorrelated subquery) on the
/// subquery's `correlation` and on `conditions`. With `null_safe` (a domain's
/// correlation), the correlation's equalities match NULL with NULL and `conditions`
/// are checked on the matching pairs.
arrow::Result<std::shared_ptr<LogicalJoin>> JoinOnCorrelation(
    LogicalJoinType type, LogicalPlanPtr left, LogicalPlanPtr right, const std::vector<cp::Expression>& correlation,
    bool null_safe, const std::vector<cp::Expression>& conditions, BindContext& context);

}  // namespace quiver::plan
