#pragma once

#include <arrow/result.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "quiver/plan/binder.h"
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
///  - EXISTS and IN elsewhere (inside OR, in the select list) become mark joins;
///  - x op ANY / ALL (subquery) for op other than = ANY (IN) and <> ALL (NOT IN) joins
///    the subquery's row count, non-NULL count, min and max (per correlation key) and
///    decides from them; as a WHERE conjunct with a correlation other than equalities,
///    it is a semi (ANY) or anti (ALL) join on the comparison instead.
///  - a subquery that aggregates without GROUP BY has one row per outer row: an outer
///    row without inner rows gets the aggregate of no rows (count(*) + 1 is 1 there),
///    and HAVING decides whether the row exists;
///  - a correlation other than equalities is decorrelated through the domain of the
///    outer values wherever the result is needed per outer row (correlation_domain.h).
/// Correlated subqueries refer to the outer query's columns in their WHERE clause.
class SubqueryBinder : public SubqueryResolver {
 public:
  /// `outer` is the scope the subqueries may refer to (the clause's input), and
  /// `outer_rows` a plan of those rows, if known: a subquery correlated by anything
  /// but equalities needs them (correlation_domain.h).
  SubqueryBinder(Binder& binder, BindContext& context, const BindScope& outer, LogicalPlanPtr outer_rows)
      : binder_(binder), context_(context), outer_(outer), outer_rows_(std::move(outer_rows)) {}

  arrow::Result<BoundExpression> BindSubquery(const sql::ParsedExpr& expr, ExpressionBinder& binder) override;
  arrow::FieldVector ExtraFields() const override { return extra_fields_; }

  /// Adds the joins the bound subqueries need to `plan`, whose columns include the
  /// outer scope's.
  arrow::Result<LogicalPlanPtr> Apply(LogicalPlanPtr plan);

  /// If `conjunct` is [NOT] EXISTS, x [NOT] IN (subquery) or x op ANY / ALL (subquery),
  /// `plan` filtered by it (mostly as a semi or anti join); nullopt for any other
  /// condition.
  arrow::Result<std::optional<LogicalPlanPtr>> TryFilterJoin(LogicalPlanPtr plan, const sql::ParsedExpr& conjunct);

 private:
  struct PendingJoin {
    LogicalJoinType type;
    LogicalPlanPtr right;
    std::vector<cp::Expression> conditions;  // over the outer and the right columns
    bool null_safe = false;                  // its key equalities match NULL with NULL
  };
  /// A subquery that aggregates without GROUP BY: one row per outer row, unless its
  /// HAVING drops it.
  struct OneRow {
    cp::Expression value;    // NULL where there is no row
    cp::Expression present;  // whether there is the row (a literal true without HAVING)
    std::shared_ptr<arrow::DataType> type;
  };
  /// x IN / op ANY / op ALL (subquery), with both sides converted to a common type.
  struct Comparison {
    cp::Expression value;   // x, over the outer columns
    cp::Expression member;  // the subquery's column, over its plan's columns
    std::string member_name;
    std::shared_ptr<arrow::DataType> type;
    CorrelatedSubquery sub;
  };
  /// Columns a pending join adds: the subquery's row and non-NULL counts per
  /// correlation key (zero where an outer row has none), and any extremes asked for.
  struct Counts {
    cp::Expression rows;
    cp::Expression values;
    std::vector<cp::Expression> extremes;
  };

  arrow::Result<BoundExpression> BindScalar(const sql::ParsedExpr& expr);
  /// The aggregate `query`'s row per outer row, from columns of pending joins; an
  /// outer row without inner rows gets the aggregate of no rows. Only the first
  /// select item is computed unless `single_column` (which then checks there is one).
  arrow::Result<OneRow> JoinAggregate(const sql::QueryNode& query, int location, bool single_column);
  /// x op ANY / ALL (subquery) and x IN (subquery) for a subquery that aggregates
  /// without GROUP BY: x op its one value.
  arrow::Result<BoundExpression> CompareWithOneRow(const sql::ParsedExpr& expr, ExpressionBinder& binder,
                                                   const std::string& op, bool all);
  arrow::Result<BoundExpression> BindExists(const sql::ParsedExpr& expr);
  arrow::Result<BoundExpression> BindIn(const sql::ParsedExpr& expr, ExpressionBinder& binder);
  arrow::Result<BoundExpression> BindQuantified(const sql::ParsedExpr& expr, ExpressionBinder& binder);
  arrow::Result<Comparison> BindComparison(const sql::ParsedExpr& expr, ExpressionBinder& binder,
                                           CorrelatedSubquery sub);
  /// x of `x op (subquery)`, converted to its common type with the subquery's column.
  arrow::Result<BoundExpression> ComparedValue(const sql::ParsedExpr& expr, ExpressionBinder& binder,
                                               const std::shared_ptr<arrow::DataType>& member_type);
  /// The subquery's correlation keys (named `key_names`) and compared column (`member`).
  arrow::Result<LogicalPlanPtr> MembersByKey(const Comparison& comparison, const std::string& member,
                                             const std::vector<std::string>& keys,
                                             const std::vector<std::string>& key_names);
  /// Adds an aggregate of `input` grouped by `keys` (`renamed` maps the correlation's
  /// columns to them) and its join; `extremes` are "min" / "max" of the member.
  arrow::Result<Counts> AddCounts(LogicalPlanPtr input, const std::vector<std::string>& keys, const std::string& member,
                                  const std::vector<cp::Expression>& correlation, bool null_safe,
                                  const std::map<std::string, std::string>& renamed,
                                  const std::vector<std::string>& extremes);
  /// Whether a comparison that settled nothing is unknown: x is NULL or a row is.
  static cp::Expression Unknown(const Comparison& comparison, const Counts& counts);
  /// x IN (subquery) with SQL's NULL rules, over columns its pending joins add.
  arrow::Result<cp::Expression> MembershipTest(const Comparison& comparison, int location);
  /// x op ANY / ALL (subquery) from counts and extremes, over columns its joins add.
  arrow::Result<cp::Expression> QuantifiedTest(const Comparison& comparison, const std::string& op, bool all,
                                               int location);
  /// A WHERE conjunct x op ANY / ALL (subquery) applied to `plan`.
  arrow::Result<LogicalPlanPtr> FilterByQuantified(LogicalPlanPtr plan, const sql::ParsedExpr& expr);
  /// A column added by a pending join, as an expression.
  BoundExpression AddedColumn(const std::shared_ptr<arrow::Field>& field);
  arrow::Result<BoundExpression> Build(const cp::Expression& expr);

  Binder& binder_;
  BindContext& context_;
  const BindScope& outer_;
  LogicalPlanPtr outer_rows_;
  std::vector<PendingJoin> pending_;
  arrow::FieldVector extra_fields_;
};

}  // namespace quiver::plan
