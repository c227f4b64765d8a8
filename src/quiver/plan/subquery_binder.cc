#include "quiver/plan/subquery_binder.h"

#include <arrow/compute/api.h>
#include <arrow/scalar.h>

#include <set>

#include "quiver/common/single_row_check.h"
#include "quiver/plan/binder.h"
#include "quiver/plan/plan_builders.h"
#include "quiver/plan/sql_types.h"
#include "quiver/sql/source_text.h"

namespace quiver::plan {

using sql::ExprKind;
using sql::ParsedExpr;

namespace {

// The subquery's one visible output column.
arrow::Result<const ScopeColumn*> SingleColumn(const BoundQuery& query, const BindContext& context, int location) {
  if (query.scope.columns().size() != 1) {
    return sql::SqlError(context.sql, location, "subquery must return only one column");
  }
  return &query.scope.columns()[0];
}

}  // namespace

std::vector<std::string> CorrelationColumns(const std::vector<cp::Expression>& conditions, const arrow::Schema& right) {
  std::vector<std::string> columns;
  for (const auto& condition : conditions) {
    for (const auto& name : ReferencedColumns(condition)) {
      if (right.GetFieldIndex(name) >= 0 && std::find(columns.begin(), columns.end(), name) == columns.end()) {
        columns.push_back(name);
      }
    }
  }
  return columns;
}

bool OnlyEqualitiesOnRightColumns(const std::vector<cp::Expression>& conditions, const arrow::Schema& right) {
  for (const auto& condition : conditions) {
    const auto* call = condition.call();
    if (!call || call->function_name != "equal") return false;
    int right_sides = 0;
    for (const auto& arg : call->arguments) {
      if (arg.field_ref() && arg.field_ref()->name() && right.GetFieldIndex(*arg.field_ref()->name()) >= 0) {
        ++right_sides;
      } else {
        for (const auto& name : ReferencedColumns(arg)) {
          if (right.GetFieldIndex(name) >= 0) return false;
        }
      }
    }
    if (right_sides != 1) return false;
  }
  return true;
}

bool IsAggregatedWithoutGroups(const sql::QueryNode& query) {
  if (query.kind != sql::QueryKind::kSelect || !query.group_by.empty() || !query.grouping_sets.empty() || query.limit ||
      query.offset) {
    return false;
  }
  for (const auto& item : query.select_list) {
    if (ContainsAggregate(*item.expr)) return true;
  }
  return false;
}

BoundExpression SubqueryBinder::AddedColumn(const std::shared_ptr<arrow::Field>& field) {
  extra_fields_.push_back(field);
  BoundExpression out;
  out.type = field->type();
  out.expr = cp::field_ref(field->name());
  return out;
}

arrow::Result<BoundExpression> SubqueryBinder::Build(const cp::Expression& expr) {
  // Bound by the caller against its whole schema (which includes ExtraFields); here
  // only the type is needed, from the added columns and the outer scope.
  auto fields = outer_.schema()->fields();
  fields.insert(fields.end(), extra_fields_.begin(), extra_fields_.end());
  BoundExpression out;
  ARROW_ASSIGN_OR_RAISE(out.expr, expr.Bind(*arrow::schema(fields)));
  out.type = out.expr.type()->GetSharedPtr();
  return out;
}

arrow::Result<BoundExpression> SubqueryBinder::BindSubquery(const ParsedExpr& expr, ExpressionBinder& binder) {
  switch (expr.kind) {
    case ExprKind::kSubquery:
      return BindScalar(expr);
    case ExprKind::kExists:
      return BindExists(expr);
    default:
      return BindIn(expr, binder);
  }
}

arrow::Result<BoundExpression> SubqueryBinder::BindScalar(const ParsedExpr& expr) {
  ARROW_ASSIGN_OR_RAISE(auto sub, binder_.BindSubquery(*expr.subquery, outer_));
  ARROW_ASSIGN_OR_RAISE(const ScopeColumn* value, SingleColumn(sub.query, context_, expr.location));
  LogicalPlanPtr right = sub.query.plan;
  std::string value_field = value->field;
  const bool correlated = !sub.correlation.empty();
  bool count_only = false;
  if (correlated && !OnlyEqualitiesOnRightColumns(sub.correlation, *right->schema)) {
    // The subquery is grouped by the inner columns of its correlation: only equalities
    // make each outer row meet exactly its own group.
    return sql::SqlError(context_.sql, expr.location,
                         "a scalar subquery correlated by anything but equalities (inner column = outer "
                         "expression) is not supported");
  }

  if (IsAggregatedWithoutGroups(*expr.subquery)) {
    // One row (per correlation key, by construction of the subquery's plan).
    const auto& item = *expr.subquery->select_list[0].expr;
    count_only = item.kind == ExprKind::kFunction && item.names.size() == 1 && item.names[0] == "count";
  } else {
    // Count the rows (per correlation key) and take the value only through the check,
    // which fails the query when there are several.
    auto keys = CorrelationColumns(sub.correlation, *right->schema);
    auto aggregate = std::make_shared<LogicalAggregate>();
    aggregate->keys = keys;
    std::string count = context_.NewColumnName("rows");
    std::string first = context_.NewColumnName(value->name);
    aggregate->aggregates.push_back({"count_all", "", nullptr, count});
    // The value is read only where there is at most one row, so any aggregate that
    // returns the one value will do; min is not order-dependent (first is, and Acero
    // refuses order-dependent aggregates on several threads).
    aggregate->aggregates.push_back({"min", value_field,
                                     std::make_shared<cp::ScalarAggregateOptions>(/*skip_nulls=*/true, /*min_count=*/1),
                                     first});
    arrow::FieldVector fields;
    for (const auto& key : keys) fields.push_back(right->schema->GetFieldByName(key));
    fields.push_back(arrow::field(count, arrow::int64()));
    fields.push_back(arrow::field(first, value->type));
    aggregate->schema = arrow::schema(fields);
    aggregate->inputs = {right};
    std::vector<cp::Expression> projections;
    std::vector<std::string> names;
    for (const auto& key : keys) {
      projections.push_back(cp::field_ref(key));
      names.push_back(key);
    }
    value_field = context_.NewColumnName(value->name);
    projections.push_back(cp::call("if_else", {cp::call(kSingleRowCheckFunction, {cp::field_ref(count)}),
                                               cp::field_ref(first), cp::literal(arrow::MakeNullScalar(value->type))}));
    names.push_back(value_field);
    ARROW_ASSIGN_OR_RAISE(right, MakeProject(aggregate, std::move(projections), std::move(names)));
  }
  pending_.push_back({correlated ? LogicalJoinType::kLeft : LogicalJoinType::kCross, right, sub.correlation});
  BoundExpression column = AddedColumn(arrow::field(value_field, value->type));
  if (count_only && correlated) {
    // No matching row means a count of zero, not NULL.
    return Build(cp::call("coalesce", {column.expr, cp::literal(int64_t{0})}));
  }
  return Build(column.expr);
}

arrow::Result<BoundExpression> SubqueryBinder::BindExists(const ParsedExpr& expr) {
  ARROW_ASSIGN_OR_RAISE(auto sub, binder_.BindSubquery(*expr.subquery, outer_));
  LogicalPlanPtr right = sub.query.plan;
  std::string mark = context_.NewColumnName("exists");
  auto aggregate = std::make_shared<LogicalAggregate>();
  aggregate->inputs = {right};
  if (sub.correlation.empty()) {
    std::string count = context_.NewColumnName("rows");
    aggregate->aggregates.push_back({"count_all", "", nullptr, count});
    aggregate->schema = arrow::schema({arrow::field(count, arrow::int64())});
    ARROW_ASSIGN_OR_RAISE(
        right, MakeProject(aggregate, {cp::call("greater", {cp::field_ref(count), cp::literal(int64_t{0})})}, {mark}));
    pending_.push_back({LogicalJoinType::kCross, right, {}});
    return Build(AddedColumn(arrow::field(mark, arrow::boolean())).expr);
  }
  if (!OnlyEqualitiesOnRightColumns(sub.correlation, *right->schema)) {
    return sql::SqlError(context_.sql, expr.location,
                         "EXISTS correlated by anything but equalities is supported only as a WHERE condition");
  }
  // Distinct correlation keys, each marked: a left join then finds at most one.
  auto keys = CorrelationColumns(sub.correlation, *right->schema);
  aggregate->keys = keys;
  arrow::FieldVector fields;
  std::vector<cp::Expression> projections;
  for (const auto& key : keys) {
    fields.push_back(right->schema->GetFieldByName(key));
    projections.push_back(cp::field_ref(key));
  }
  aggregate->schema = arrow::schema(fields);
  projections.push_back(cp::literal(true));
  auto names = keys;
  names.push_back(mark);
  ARROW_ASSIGN_OR_RAISE(right, MakeProject(aggregate, std::move(projections), std::move(names)));
  pending_.push_back({LogicalJoinType::kLeft, right, sub.correlation});
  return Build(cp::call("is_valid", {AddedColumn(arrow::field(mark, arrow::boolean())).expr}));
}

arrow::Result<BoundExpression> SubqueryBinder::BindIn(const ParsedExpr& expr, ExpressionBinder& binder) {
  ARROW_ASSIGN_OR_RAISE(auto value, binder.Bind(*expr.args[0]));
  ARROW_ASSIGN_OR_RAISE(auto sub, binder_.BindSubquery(*expr.subquery, outer_));
  if (!sub.correlation.empty()) {
    return sql::SqlError(context_.sql, expr.location,
                         "a correlated IN (subquery) is supported only as a WHERE condition");
  }
  ARROW_ASSIGN_OR_RAISE(const ScopeColumn* column, SingleColumn(sub.query, context_, expr.location));
  ARROW_ASSIGN_OR_RAISE(auto type, CommonType(value.type, column->type));
  ARROW_ASSIGN_OR_RAISE(value, binder.CastTo(value, type, expr.location));
  // The subquery's distinct values, each marked, and its row and non-NULL counts.
  std::string member = context_.NewColumnName(column->name);
  cp::Expression member_value = cp::field_ref(column->field);
  if (!column->type->Equals(*type)) {
    member_value = cp::call("cast", {member_value}, std::make_shared<cp::CastOptions>(cp::CastOptions::Safe(type)));
  }
  ARROW_ASSIGN_OR_RAISE(auto members, MakeProject(sub.query.plan, {member_value}, {member}));
  auto distinct = std::make_shared<LogicalAggregate>();
  distinct->keys = {member};
  distinct->schema = members->schema;
  distinct->inputs = {members};
  std::string mark = context_.NewColumnName("in");
  ARROW_ASSIGN_OR_RAISE(auto marked, MakeProject(distinct, {cp::field_ref(member), cp::literal(true)}, {member, mark}));
  auto counts = std::make_shared<LogicalAggregate>();
  std::string rows = context_.NewColumnName("rows");
  std::string values = context_.NewColumnName("values");
  counts->aggregates.push_back({"count_all", "", nullptr, rows});
  counts->aggregates.push_back(
      {"count", member, std::make_shared<cp::CountOptions>(cp::CountOptions::ONLY_VALID), values});
  counts->schema = arrow::schema({arrow::field(rows, arrow::int64()), arrow::field(values, arrow::int64())});
  counts->inputs = {members};
  pending_.push_back({LogicalJoinType::kLeft, marked, {cp::call("equal", {value.expr, cp::field_ref(member)})}});
  pending_.push_back({LogicalJoinType::kCross, counts, {}});
  auto found = AddedColumn(arrow::field(mark, arrow::boolean())).expr;
  auto row_count = AddedColumn(arrow::field(rows, arrow::int64())).expr;
  auto value_count = AddedColumn(arrow::field(values, arrow::int64())).expr;
  // Found: true. Nothing to compare with: false. A NULL on either side: unknown.
  auto unknown = cp::call("or_kleene", {cp::call("is_null", {value.expr}), cp::call("less", {value_count, row_count})});
  auto not_found = cp::call(
      "if_else",
      {cp::call("equal", {row_count, cp::literal(int64_t{0})}), cp::literal(false),
       cp::call("if_else", {unknown, cp::literal(arrow::MakeNullScalar(arrow::boolean())), cp::literal(false)})});
  return Build(cp::call("if_else", {cp::call("is_valid", {found}), cp::literal(true), not_found}));
}

arrow::Result<LogicalPlanPtr> SubqueryBinder::Apply(LogicalPlanPtr plan) {
  for (auto& join : pending_) {
    ARROW_ASSIGN_OR_RAISE(plan, MakeJoinOn(join.type, plan, join.right, join.conditions, context_));
  }
  pending_.clear();
  return plan;
}

arrow::Result<std::optional<LogicalPlanPtr>> SubqueryBinder::TryFilterJoin(LogicalPlanPtr plan,
                                                                           const ParsedExpr& conjunct) {
  const ParsedExpr* inner = &conjunct;
  bool negated = false;
  if (conjunct.kind == ExprKind::kNot && conjunct.args.size() == 1 &&
      (conjunct.args[0]->kind == ExprKind::kExists || conjunct.args[0]->kind == ExprKind::kInSubquery)) {
    inner = conjunct.args[0].get();
    negated = true;
  }
  if (inner->kind != ExprKind::kExists && inner->kind != ExprKind::kInSubquery) return std::nullopt;
  const LogicalJoinType type = negated ? LogicalJoinType::kAnti : LogicalJoinType::kSemi;
  ARROW_ASSIGN_OR_RAISE(auto sub, binder_.BindSubquery(*inner->subquery, outer_));
  std::vector<cp::Expression> conditions = sub.correlation;
  if (inner->kind == ExprKind::kExists) {
    ARROW_ASSIGN_OR_RAISE(auto joined, MakeJoinOn(type, plan, sub.query.plan, conditions, context_));
    return LogicalPlanPtr(joined);
  }

  // x [NOT] IN (SELECT y …): the join matches x = y.
  ExpressionBinder value_binder(context_, outer_, "WHERE");
  ARROW_ASSIGN_OR_RAISE(auto value, value_binder.Bind(*inner->args[0]));
  ARROW_ASSIGN_OR_RAISE(const ScopeColumn* column, SingleColumn(sub.query, context_, inner->location));
  auto type_or = CommonType(value.type, column->type);
  if (!type_or.ok()) {
    return sql::SqlError(context_.sql, inner->location, "operator does not exist: ", SqlTypeName(*value.type), " = ",
                         SqlTypeName(*column->type));
  }
  ARROW_ASSIGN_OR_RAISE(value, value_binder.CastTo(value, *type_or, inner->location));
  cp::Expression member = cp::field_ref(column->field);
  if (!column->type->Equals(**type_or)) {
    member = cp::call("cast", {member}, std::make_shared<cp::CastOptions>(cp::CastOptions::Safe(*type_or)));
  }
  conditions.push_back(cp::call("equal", {value.expr, member}));
  if (!negated) {
    ARROW_ASSIGN_OR_RAISE(auto joined, MakeJoinOn(type, plan, sub.query.plan, conditions, context_));
    return LogicalPlanPtr(joined);
  }
  if (!sub.correlation.empty()) {
    return sql::SqlError(context_.sql, inner->location, "NOT IN with a correlated subquery is not supported");
  }
  // NOT IN: rows without a match, then SQL's NULL rules: if the subquery yields a NULL
  // nothing passes; a NULL x passes only when the subquery yields nothing.
  ARROW_ASSIGN_OR_RAISE(auto unmatched, MakeJoinOn(type, plan, sub.query.plan, conditions, context_));
  auto counts = std::make_shared<LogicalAggregate>();
  std::string rows = context_.NewColumnName("rows");
  std::string values = context_.NewColumnName("values");
  counts->aggregates.push_back({"count_all", "", nullptr, rows});
  counts->aggregates.push_back(
      {"count", column->field, std::make_shared<cp::CountOptions>(cp::CountOptions::ONLY_VALID), values});
  counts->schema = arrow::schema({arrow::field(rows, arrow::int64()), arrow::field(values, arrow::int64())});
  counts->inputs = {sub.query.plan};
  ARROW_ASSIGN_OR_RAISE(auto with_counts, MakeJoinOn(LogicalJoinType::kCross, unmatched, counts, {}, context_));
  auto keep = cp::call("and_kleene",
                       {cp::call("equal", {cp::field_ref(values), cp::field_ref(rows)}),
                        cp::call("or_kleene", {cp::call("is_valid", {value.expr}),
                                               cp::call("equal", {cp::field_ref(rows), cp::literal(int64_t{0})})})});
  ARROW_ASSIGN_OR_RAISE(auto filtered, MakeFilter(with_counts, keep));
  return filtered;
}

}  // namespace quiver::plan
