#pragma once

#include <arrow/result.h>

#include <optional>
#include <vector>

#include "quiver/plan/expression_binder.h"
#include "quiver/plan/logical_plan.h"

namespace quiver::plan {

class Binder;

/// The right-side columns the correlation conditions read.
std::vector<std::string> CorrelationColumns(const std::vector<cp::Expression>& conditions, const arrow::Schema& right);

/// True when every condition is `outer expression = right column`: then grouping the
/// right side by those columns gives at most one match per outer row.
bool OnlyEqualitiesOnRightColumns(const std::vector<cp::Expression>& conditions, const arrow::Schema& right);

/// A SELECT with aggregates and without GROUP BY, LIMIT or OFFSET: one row whatever
/// its input (per correlation key, once decorrelated).
bool IsAggregatedWithoutGroups(const sql::QueryNode& query);

/// Plans the subqueries of one clause as joins onto that clause's input, so no
/// subquery runs once per row (decorrelation):
///  - a WHERE conjunct [NOT] EXISTS (…) or x [NOT] IN (SELECT …) filters the input with
///    a semi or anti join (NOT IN with SQL's NULL rules: no row passes when the
///    subquery yields a NULL, a NULL x passes only when it yields nothing);
///  - (SELECT …) anywhere becomes a column of a left join: grouped by the correlation
///    keys for correlated subqueries, with a row count that must not exceed one;
///  - EXISTS and IN elsewhere (inside OR, in the select list) become mark joins.
/// Correlated subqueries refer to the outer query's columns in their WHERE clause.
class SubqueryBinder : public SubqueryResolver {
 public:
  /// `outer` is the scope the subqueries may refer to (the clause's input).
  SubqueryBinder(Binder& binder, BindContext& context, const BindScope& outer)
      : binder_(binder), context_(context), outer_(outer) {}

  arrow::Result<BoundExpression> BindSubquery(const sql::ParsedExpr& expr, ExpressionBinder& binder) override;
  arrow::FieldVector ExtraFields() const override { return extra_fields_; }

  /// Adds the joins the bound subqueries need to `plan`, whose columns include the
  /// outer scope's.
  arrow::Result<LogicalPlanPtr> Apply(LogicalPlanPtr plan);

  /// If `conjunct` is [NOT] EXISTS or x [NOT] IN (subquery), `plan` filtered by it as a
  /// semi or anti join; nullopt for any other condition.
  arrow::Result<std::optional<LogicalPlanPtr>> TryFilterJoin(LogicalPlanPtr plan, const sql::ParsedExpr& conjunct);

 private:
  struct PendingJoin {
    LogicalJoinType type;
    LogicalPlanPtr right;
    std::vector<cp::Expression> conditions;  // over the outer and the right columns
  };

  arrow::Result<BoundExpression> BindScalar(const sql::ParsedExpr& expr);
  arrow::Result<BoundExpression> BindExists(const sql::ParsedExpr& expr);
  arrow::Result<BoundExpression> BindIn(const sql::ParsedExpr& expr, ExpressionBinder& binder);
  /// A column added by a pending join, as an expression.
  BoundExpression AddedColumn(const std::shared_ptr<arrow::Field>& field);
  arrow::Result<BoundExpression> Build(const cp::Expression& expr);

  Binder& binder_;
  BindContext& context_;
  const BindScope& outer_;
  std::vector<PendingJoin> pending_;
  arrow::FieldVector extra_fields_;
};

}  // namespace quiver::plan
