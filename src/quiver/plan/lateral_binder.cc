// LATERAL subqueries: `FROM t, LATERAL (SELECT … WHERE u.k = t.k) s`, `JOIN LATERAL …
// ON …`, `LEFT JOIN LATERAL …`. They are decorrelated like correlated subqueries
// (Binder::BindSubquery): the WHERE conjuncts that read the left side's columns become
// join conditions, and aggregates are grouped by the inner columns those conditions
// read. What the subquery does per outer row (aggregates, DISTINCT, LIMIT) is then
// done per correlation key, which is exact when the correlation is by equalities; any
// other correlation is decorrelated through the domain of the outer values
// (correlation_domain.h).

#include <arrow/compute/api.h>

#include <set>

#include "quiver/plan/binder.h"
#include "quiver/plan/correlation_domain.h"
#include "quiver/plan/expression_binder.h"
#include "quiver/plan/plan_builders.h"
#include "quiver/plan/subquery_binder.h"
#include "quiver/sql/source_text.h"

namespace quiver::plan {

namespace {

bool ComputesPerOuterRow(const sql::QueryNode& query) {
  if (query.distinct || query.limit || query.offset || !query.group_by.empty() || query.having) return true;
  for (const auto& item : query.select_list) {
    if (ContainsAggregate(*item.expr)) return true;
  }
  return false;
}

bool HasWindowFunctions(const sql::QueryNode& query) {
  for (const auto& item : query.select_list) {
    if (ContainsWindow(*item.expr)) return true;
  }
  return false;
}

cp::Expression NullOf(const std::shared_ptr<arrow::DataType>& type) { return cp::literal(arrow::MakeNullScalar(type)); }

}  // namespace

arrow::Result<BoundQuery> Binder::BindLateralJoin(BoundQuery left, const sql::TableRef& ref, sql::JoinType join_type,
                                                  const sql::ParsedExpr* condition) {
  const sql::QueryNode& query = *ref.subquery;
  // Computed per outer row, the subquery needs the outer rows for a correlation other
  // than equalities (correlation_domain.h); rows alone are just joined on it.
  auto bound = BindLateralSubquery(query, left.scope, ComputesPerOuterRow(query) ? left.plan : nullptr);
  if (!bound.ok() && query.kind != sql::QueryKind::kSelect) {
    // Only a plain SELECT is decorrelated.
    return bound.status().WithMessage(bound.status().message(),
                                      " (a LATERAL UNION, INTERSECT, EXCEPT or VALUES cannot read outer columns)");
  }
  ARROW_ASSIGN_OR_RAISE(auto sub, std::move(bound));
  ARROW_RETURN_NOT_OK(ApplyAlias(&sub.query, ref.alias, ref.column_aliases, ref.location));
  for (const auto& column : sub.query.scope.columns()) {
    if (!column.table.empty() && left.scope.HasTable(column.table)) {
      return sql::SqlError(context_.sql, ref.location, "table name \"", column.table, "\" specified more than once");
    }
  }
  const bool correlated = !sub.correlation.empty() || !sub.deferred.empty();
  if (correlated && (join_type == sql::JoinType::kRight || join_type == sql::JoinType::kFull)) {
    return sql::SqlError(context_.sql, ref.location,
                         "a LATERAL subquery that reads the left side's columns must be joined by INNER or LEFT JOIN");
  }
  if (correlated && HasWindowFunctions(query)) {
    return sql::SqlError(context_.sql, ref.location,
                         "window functions in a LATERAL subquery that reads outer columns are not supported");
  }
  LogicalPlanPtr right = sub.query.plan;
  if (!sub.correlation.empty() && ComputesPerOuterRow(query) &&
      !OnlyEqualitiesOnRightColumns(sub.correlation, *right->schema)) {
    return sql::SqlError(context_.sql, ref.location,
                         "a LATERAL subquery with aggregates, DISTINCT, LIMIT or OFFSET must be correlated by "
                         "equalities (inner column = outer expression) only");
  }
  const bool keep_left = join_type == sql::JoinType::kLeft;
  const LogicalJoinType type = keep_left                            ? LogicalJoinType::kLeft
                               : join_type == sql::JoinType::kRight ? LogicalJoinType::kRight
                               : join_type == sql::JoinType::kFull  ? LogicalJoinType::kFull
                                                                    : LogicalJoinType::kInner;

  BindScope combined;
  for (const auto& column : left.scope.columns()) combined.mutable_columns().push_back(column);
  const size_t first_right = combined.columns().size();
  for (const auto& column : sub.query.scope.columns()) combined.mutable_columns().push_back(column);

  LogicalPlanPtr plan;
  std::vector<cp::Expression> on;
  auto bind_on = [&]() -> arrow::Status {
    if (!condition) return arrow::Status::OK();
    if (const auto* aggregate = FindAggregate(*condition)) {
      return sql::SqlError(context_.sql, aggregate->location, "aggregate functions are not allowed in JOIN conditions");
    }
    ExpressionBinder binder(context_, combined, "JOIN conditions");
    ARROW_ASSIGN_OR_RAISE(auto bound, binder.BindCondition(*condition));
    for (auto& part : SplitConjunction(bound.expr)) {
      if (auto literal = part.literal(); literal && literal->is_scalar() && literal->scalar()->is_valid &&
                                         literal->scalar()->Equals(arrow::BooleanScalar(true))) {
        continue;  // ON true
      }
      on.push_back(part);
    }
    return arrow::Status::OK();
  };

  if (!sub.correlation.empty() && IsAggregatedWithoutGroups(query)) {
    // An aggregate without GROUP BY gives one row for every outer row, also for those
    // no inner row matches: there it is the aggregate of no rows (count 0, sum NULL),
    // computed by the same query over no input.
    if (query.having) {
      return sql::SqlError(context_.sql, ref.location,
                           "HAVING in a correlated LATERAL subquery without GROUP BY is not supported");
    }
    const std::string marker = context_.NewColumnName("lateral_match");
    ARROW_ASSIGN_OR_RAISE(right, MakeProjectAdding(right, {cp::literal(true)}, {marker}));
    ARROW_ASSIGN_OR_RAISE(auto grouped, JoinOnCorrelation(LogicalJoinType::kLeft, left.plan, right, sub.correlation,
                                                          sub.null_safe, {}, context_));
    auto over_nothing = std::make_shared<sql::QueryNode>(query);
    over_nothing->where = std::make_shared<sql::ParsedExpr>();
    over_nothing->where->kind = sql::ExprKind::kLiteral;
    over_nothing->where->value = std::make_shared<arrow::BooleanScalar>(false);
    ARROW_ASSIGN_OR_RAISE(auto empty, BindQuery(*over_nothing));
    ARROW_ASSIGN_OR_RAISE(auto both, MakeJoinOn(LogicalJoinType::kCross, grouped, empty.plan, {}, context_));
    cp::Expression matched = cp::call("is_valid", {cp::field_ref(marker)});
    std::vector<cp::Expression> expressions;
    std::vector<std::string> names;
    for (const auto& field : left.plan->schema->fields()) {
      expressions.push_back(cp::field_ref(field->name()));
      names.push_back(field->name());
    }
    auto& columns = combined.mutable_columns();
    for (size_t i = first_right; i < columns.size(); ++i) {
      const auto& fallback = empty.scope.columns()[i - first_right];
      cp::Expression value_if_empty = cp::field_ref(fallback.field);
      if (!fallback.type->Equals(*columns[i].type)) {
        value_if_empty = cp::call("cast", {value_if_empty},
                                  std::make_shared<cp::CastOptions>(cp::CastOptions::Safe(columns[i].type)));
      }
      expressions.push_back(cp::call("if_else", {matched, cp::field_ref(columns[i].field), value_if_empty}));
      columns[i].field = context_.NewColumnName(columns[i].name);
      names.push_back(columns[i].field);
    }
    ARROW_ASSIGN_OR_RAISE(plan, MakeProject(both, std::move(expressions), std::move(names)));
    ARROW_RETURN_NOT_OK(bind_on());
    if (!on.empty() && !keep_left) {
      ARROW_ASSIGN_OR_RAISE(plan, MakeFilter(plan, JoinConjunction(on)));
    } else if (!on.empty()) {
      // LEFT JOIN: where ON fails, the subquery's columns are NULL.
      std::vector<cp::Expression> guarded;
      std::vector<std::string> guarded_names;
      cp::Expression holds = JoinConjunction(on);  // NULL counts as false: if_else gives NULL
      for (const auto& field : plan->schema->fields()) {
        bool is_right = false;
        for (size_t i = first_right; i < columns.size(); ++i) is_right = is_right || columns[i].field == field->name();
        guarded.push_back(is_right ? cp::call("if_else", {holds, cp::field_ref(field->name()), NullOf(field->type())})
                                   : cp::field_ref(field->name()));
        guarded_names.push_back(field->name());
      }
      ARROW_ASSIGN_OR_RAISE(plan, MakeProject(plan, std::move(guarded), std::move(guarded_names)));
    }
    BoundQuery out;
    out.plan = plan;
    out.scope = std::move(combined);
    return out;
  }

  // A marker column tells, after a LEFT JOIN, which rows the subquery matched: deferred
  // columns (computed from outer columns after the join) are NULL where it did not.
  std::string marker;
  if (!sub.deferred.empty() && keep_left) {
    marker = context_.NewColumnName("lateral_match");
    ARROW_ASSIGN_OR_RAISE(right, MakeProjectAdding(right, {cp::literal(true)}, {marker}));
  }
  ARROW_RETURN_NOT_OK(bind_on());
  std::set<std::string> deferred_fields;
  for (const auto& [field, expr] : sub.deferred) deferred_fields.insert(field);
  std::vector<cp::Expression> conditions;
  std::vector<cp::Expression> after;  // ON conjuncts over deferred columns
  for (auto& conjunct : on) {
    bool reads_deferred = false;
    for (const auto& name : ReferencedColumns(conjunct)) reads_deferred = reads_deferred || deferred_fields.count(name);
    (reads_deferred ? after : conditions).push_back(conjunct);
  }
  if (!after.empty() && keep_left) {
    return sql::SqlError(context_.sql, ref.location,
                         "a LEFT JOIN LATERAL condition on columns computed from outer columns is not supported");
  }
  ARROW_ASSIGN_OR_RAISE(
      auto join, JoinOnCorrelation(type, left.plan, right, sub.correlation, sub.null_safe, conditions, context_));
  plan = join;
  if (!sub.deferred.empty()) {
    std::vector<cp::Expression> values;
    std::vector<std::string> names;
    for (const auto& [field, expr] : sub.deferred) {
      cp::Expression value = expr;
      if (!marker.empty()) {
        ARROW_ASSIGN_OR_RAISE(auto bound, expr.Bind(*plan->schema));
        value = cp::call("if_else",
                         {cp::call("is_valid", {cp::field_ref(marker)}), expr, NullOf(bound.type()->GetSharedPtr())});
      }
      values.push_back(std::move(value));
      names.push_back(field);
    }
    ARROW_ASSIGN_OR_RAISE(plan, MakeProjectAdding(plan, std::move(values), std::move(names)));
  }
  if (!after.empty()) {
    ARROW_ASSIGN_OR_RAISE(plan, MakeFilter(plan, JoinConjunction(after)));
  }
  BoundQuery out;
  out.plan = plan;
  out.scope = std::move(combined);
  return out;
}

}  // namespace quiver::plan
