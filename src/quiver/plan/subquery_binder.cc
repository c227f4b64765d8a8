#include "quiver/plan/subquery_binder.h"

#include <arrow/compute/api.h>
#include <arrow/scalar.h>

#include <algorithm>
#include <set>

#include "quiver/common/single_row_check.h"
#include "quiver/plan/binder.h"
#include "quiver/plan/correlation_domain.h"
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

namespace {

const char* ComparisonFunction(const std::string& op) {
  if (op == "=") return "equal";
  if (op == "<>") return "not_equal";
  if (op == ">") return "greater";
  if (op == ">=") return "greater_equal";
  if (op == "<") return "less";
  return "less_equal";
}

cp::Expression NullOf(const std::shared_ptr<arrow::DataType>& type) { return cp::literal(arrow::MakeNullScalar(type)); }

// An expression NULL over no rows, like the value of a subquery that finds no row: an
// aggregate other than count, or an operator or cast over one (0.2 * avg(x)).
bool IsNullOverNoRows(const ParsedExpr& item) {
  switch (item.kind) {
    case ExprKind::kFunction:
      return !item.window && IsAggregateFunction(item.names) && item.names[0] != "count";
    case ExprKind::kOperator:  // every operator gives NULL for a NULL operand
    case ExprKind::kCast:
      return std::any_of(item.args.begin(), item.args.end(),
                         [](const sql::ParsedExprPtr& arg) { return arg && IsNullOverNoRows(*arg); });
    default:
      return false;
  }
}

bool IsCount(const ParsedExpr& item) {
  return item.kind == ExprKind::kFunction && !item.window && item.names.size() == 1 && item.names[0] == "count";
}

}  // namespace

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
    case ExprKind::kQuantifiedSubquery:
      return BindQuantified(expr, binder);
    default:
      return BindIn(expr, binder);
  }
}

arrow::Result<BoundExpression> SubqueryBinder::BindScalar(const ParsedExpr& expr) {
  if (IsAggregatedWithoutGroups(*expr.subquery)) {
    ARROW_ASSIGN_OR_RAISE(auto one, JoinAggregate(*expr.subquery, expr.location, /*single_column=*/true));
    return Build(one.value);
  }
  ARROW_ASSIGN_OR_RAISE(auto sub, binder_.BindSubquery(*expr.subquery, outer_, outer_rows_));
  ARROW_ASSIGN_OR_RAISE(const ScopeColumn* value, SingleColumn(sub.query, context_, expr.location));
  LogicalPlanPtr right = sub.query.plan;
  if (!sub.correlation.empty() && !OnlyEqualitiesOnRightColumns(sub.correlation, *right->schema)) {
    return sql::SqlError(context_.sql, expr.location,
                         "a scalar subquery correlated by anything but equalities (inner column = outer "
                         "expression) is supported only where its outer rows are known");
  }
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
  aggregate->aggregates.push_back(
      {"min", value->field, std::make_shared<cp::ScalarAggregateOptions>(/*skip_nulls=*/true, /*min_count=*/1), first});
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
  std::string value_field = context_.NewColumnName(value->name);
  projections.push_back(cp::call("if_else", {cp::call(kSingleRowCheckFunction, {cp::field_ref(count)}),
                                             cp::field_ref(first), NullOf(value->type)}));
  names.push_back(value_field);
  ARROW_ASSIGN_OR_RAISE(right, MakeProject(aggregate, std::move(projections), std::move(names)));
  const bool correlated = !sub.correlation.empty();
  pending_.push_back(
      {correlated ? LogicalJoinType::kLeft : LogicalJoinType::kCross, right, sub.correlation, sub.null_safe});
  return Build(AddedColumn(arrow::field(value_field, value->type)).expr);
}

arrow::Result<SubqueryBinder::OneRow> SubqueryBinder::JoinAggregate(const sql::QueryNode& query, int location,
                                                                    bool single_column) {
  // HAVING decides whether the one row exists: it is computed as a second column.
  auto computed = std::make_shared<sql::QueryNode>(query);
  if (!single_column) computed->select_list.resize(1);
  if (query.having) {
    computed->select_list.push_back({query.having, ""});
    computed->having = nullptr;
  }
  ARROW_ASSIGN_OR_RAISE(auto sub, binder_.BindSubquery(*computed, outer_, outer_rows_));
  const auto& columns = sub.query.scope.columns();
  if (columns.size() != computed->select_list.size()) {
    return sql::SqlError(context_.sql, location, "subquery must return only one column");
  }
  if (query.having && columns[1].type->id() != arrow::Type::BOOL && columns[1].type->id() != arrow::Type::NA) {
    return sql::SqlError(context_.sql, query.having->location, "argument of HAVING must be type boolean, not type ",
                         SqlTypeName(*columns[1].type));
  }
  std::vector<cp::Expression> values;  // the value, and whether HAVING holds
  const auto& item = *query.select_list[0].expr;
  if (sub.correlation.empty()) {
    // One row whatever the outer row.
    pending_.push_back({LogicalJoinType::kCross, sub.query.plan, {}, false});
    for (const auto& column : columns) values.push_back(AddedColumn(arrow::field(column.field, column.type)).expr);
  } else if (!query.having && (IsCount(item) || IsNullOverNoRows(item))) {
    // Outer rows without inner rows get the aggregate of no rows: 0 for a count, NULL
    // (what the left join gives) for the others.
    pending_.push_back({LogicalJoinType::kLeft, sub.query.plan, sub.correlation, sub.null_safe});
    cp::Expression value = AddedColumn(arrow::field(columns[0].field, columns[0].type)).expr;
    if (IsCount(item)) value = cp::call("coalesce", {value, cp::literal(int64_t{0})});
    values.push_back(value);
  } else {
    // Outer rows without inner rows get the same query computed over no rows (the
    // "count bug": count(*) + 1 is 1 there, not NULL). A marker column tells them.
    std::string marker = context_.NewColumnName("matched");
    ARROW_ASSIGN_OR_RAISE(auto right, MakeProjectAdding(sub.query.plan, {cp::literal(true)}, {marker}));
    pending_.push_back({LogicalJoinType::kLeft, right, sub.correlation, sub.null_safe});
    auto over_nothing = std::make_shared<sql::QueryNode>(*computed);
    over_nothing->where = std::make_shared<ParsedExpr>();
    over_nothing->where->kind = ExprKind::kLiteral;
    over_nothing->where->value = std::make_shared<arrow::BooleanScalar>(false);
    ARROW_ASSIGN_OR_RAISE(auto empty, binder_.BindQuery(*over_nothing));
    pending_.push_back({LogicalJoinType::kCross, empty.plan, {}, false});
    auto matched = cp::call("is_valid", {AddedColumn(arrow::field(marker, arrow::boolean())).expr});
    for (size_t i = 0; i < columns.size(); ++i) {
      const auto& fallback = empty.scope.columns()[i];
      cp::Expression value_if_empty = AddedColumn(arrow::field(fallback.field, fallback.type)).expr;
      if (!fallback.type->Equals(*columns[i].type)) {
        value_if_empty = cp::call("cast", {value_if_empty},
                                  std::make_shared<cp::CastOptions>(cp::CastOptions::Safe(columns[i].type)));
      }
      values.push_back(cp::call(
          "if_else", {matched, AddedColumn(arrow::field(columns[i].field, columns[i].type)).expr, value_if_empty}));
    }
  }
  OneRow out;
  out.type = columns[0].type;
  out.value = values[0];
  out.present = cp::literal(true);
  if (query.having) {
    out.present = cp::call("coalesce", {values[1], cp::literal(false)});
    out.value = cp::call("if_else", {out.present, values[0], NullOf(out.type)});
  }
  return out;
}

arrow::Result<BoundExpression> SubqueryBinder::BindExists(const ParsedExpr& expr) {
  if (IsAggregatedWithoutGroups(*expr.subquery)) {
    // One row per outer row, unless HAVING drops it.
    ARROW_ASSIGN_OR_RAISE(auto one, JoinAggregate(*expr.subquery, expr.location, /*single_column=*/false));
    return Build(one.present);
  }
  ARROW_ASSIGN_OR_RAISE(auto sub, binder_.BindSubquery(*expr.subquery, outer_, outer_rows_));
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
    pending_.push_back({LogicalJoinType::kCross, right, {}, false});
    return Build(AddedColumn(arrow::field(mark, arrow::boolean())).expr);
  }
  if (!OnlyEqualitiesOnRightColumns(sub.correlation, *right->schema)) {
    return sql::SqlError(context_.sql, expr.location,
                         "EXISTS correlated by anything but equalities is supported only where its outer rows are "
                         "known");
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
  pending_.push_back({LogicalJoinType::kLeft, right, sub.correlation, sub.null_safe});
  return Build(cp::call("is_valid", {AddedColumn(arrow::field(mark, arrow::boolean())).expr}));
}

arrow::Result<BoundExpression> SubqueryBinder::ComparedValue(const ParsedExpr& expr, ExpressionBinder& binder,
                                                             const std::shared_ptr<arrow::DataType>& member_type) {
  ARROW_ASSIGN_OR_RAISE(auto value, binder.Bind(*expr.args[0]));
  std::shared_ptr<arrow::DataType> type = member_type;
  if (!value.adapts_to_context) {
    auto common = CommonType(value.type, member_type);
    const std::string op = expr.kind == ExprKind::kInSubquery ? "=" : expr.op;
    if (!common.ok()) {
      return sql::SqlError(context_.sql, expr.location, "operator does not exist: ", SqlTypeName(*value.type), " ", op,
                           " ", SqlTypeName(*member_type));
    }
    type = *common;
  }
  return binder.CastTo(value, type, expr.location);
}

arrow::Result<SubqueryBinder::Comparison> SubqueryBinder::BindComparison(const ParsedExpr& expr,
                                                                         ExpressionBinder& binder,
                                                                         CorrelatedSubquery sub) {
  ARROW_ASSIGN_OR_RAISE(const ScopeColumn* column, SingleColumn(sub.query, context_, expr.location));
  ARROW_ASSIGN_OR_RAISE(auto value, ComparedValue(expr, binder, column->type));
  Comparison out;
  out.value = value.expr;
  out.type = value.type;
  out.member = cp::field_ref(column->field);
  if (!column->type->Equals(*out.type)) {
    out.member = cp::call("cast", {out.member}, std::make_shared<cp::CastOptions>(cp::CastOptions::Safe(out.type)));
  }
  out.member_name = column->name;
  out.sub = std::move(sub);
  return out;
}

arrow::Result<LogicalPlanPtr> SubqueryBinder::MembersByKey(const Comparison& comparison, const std::string& member,
                                                           const std::vector<std::string>& keys,
                                                           const std::vector<std::string>& key_names) {
  std::vector<cp::Expression> columns;
  for (const auto& key : keys) columns.push_back(cp::field_ref(key));
  columns.push_back(comparison.member);
  std::vector<std::string> names = key_names;
  names.push_back(member);
  return MakeProject(comparison.sub.query.plan, std::move(columns), std::move(names));
}

arrow::Result<cp::Expression> SubqueryBinder::MembershipTest(const Comparison& comparison, int location) {
  const auto& correlation = comparison.sub.correlation;
  const auto& right_schema = *comparison.sub.query.plan->schema;
  if (!correlation.empty() && !OnlyEqualitiesOnRightColumns(correlation, right_schema)) {
    return sql::SqlError(context_.sql, location,
                         "IN (subquery) correlated by anything but equalities is supported only where its outer rows "
                         "are known");
  }
  // The subquery's distinct values (per correlation key), each marked, and its row and
  // non-NULL counts (per correlation key). An outer row finds at most one mark.
  const auto keys = CorrelationColumns(correlation, right_schema);
  std::string member = context_.NewColumnName(comparison.member_name);
  ARROW_ASSIGN_OR_RAISE(auto members, MembersByKey(comparison, member, keys, keys));
  const bool null_safe = comparison.sub.null_safe;
  if (null_safe) {
    // The mark join's keys all match NULL with NULL then; without NULL members, x = y
    // still never matches a NULL x.
    ARROW_ASSIGN_OR_RAISE(members, MakeFilter(members, cp::call("is_valid", {cp::field_ref(member)})));
  }
  auto distinct = std::make_shared<LogicalAggregate>();
  distinct->keys = keys;
  distinct->keys.push_back(member);
  distinct->schema = members->schema;
  distinct->inputs = {members};
  std::string mark = context_.NewColumnName("in");
  std::vector<cp::Expression> marked_columns;
  std::vector<std::string> marked_names;
  for (const auto& field : members->schema->fields()) {
    marked_columns.push_back(cp::field_ref(field->name()));
    marked_names.push_back(field->name());
  }
  marked_columns.push_back(cp::literal(true));
  marked_names.push_back(mark);
  ARROW_ASSIGN_OR_RAISE(auto marked, MakeProject(distinct, std::move(marked_columns), std::move(marked_names)));
  std::vector<cp::Expression> mark_conditions = correlation;
  mark_conditions.push_back(cp::call("equal", {comparison.value, cp::field_ref(member)}));
  pending_.push_back({LogicalJoinType::kLeft, marked, std::move(mark_conditions), null_safe});

  // The counts come from a second copy of the keys, under new names.
  std::map<std::string, std::string> renamed;
  std::vector<std::string> count_keys;
  for (const auto& key : keys) {
    count_keys.push_back(context_.NewColumnName("corr"));
    renamed[key] = count_keys.back();
  }
  std::string counted = context_.NewColumnName(comparison.member_name);
  ARROW_ASSIGN_OR_RAISE(auto count_input, MembersByKey(comparison, counted, keys, count_keys));
  ARROW_ASSIGN_OR_RAISE(auto counts, AddCounts(count_input, count_keys, counted, correlation, null_safe, renamed, {}));
  auto found = AddedColumn(arrow::field(mark, arrow::boolean())).expr;
  // Found: true. Nothing to compare with: false. A NULL on either side: unknown.
  auto not_found = cp::call(
      "if_else", {cp::call("equal", {counts.rows, cp::literal(int64_t{0})}), cp::literal(false),
                  cp::call("if_else", {Unknown(comparison, counts),
                                       cp::literal(arrow::MakeNullScalar(arrow::boolean())), cp::literal(false)})});
  return cp::call("if_else", {cp::call("is_valid", {found}), cp::literal(true), not_found});
}

arrow::Result<SubqueryBinder::Counts> SubqueryBinder::AddCounts(
    LogicalPlanPtr input, const std::vector<std::string>& keys, const std::string& member,
    const std::vector<cp::Expression>& correlation, bool null_safe, const std::map<std::string, std::string>& renamed,
    const std::vector<std::string>& extremes) {
  auto aggregate = std::make_shared<LogicalAggregate>();
  aggregate->keys = keys;
  arrow::FieldVector fields;
  for (const auto& key : keys) fields.push_back(input->schema->GetFieldByName(key));
  Counts out;
  std::string rows = context_.NewColumnName("rows");
  std::string values = context_.NewColumnName("values");
  aggregate->aggregates.push_back({"count_all", "", nullptr, rows});
  aggregate->aggregates.push_back(
      {"count", member, std::make_shared<cp::CountOptions>(cp::CountOptions::ONLY_VALID), values});
  fields.push_back(arrow::field(rows, arrow::int64()));
  fields.push_back(arrow::field(values, arrow::int64()));
  const auto member_type = input->schema->GetFieldByName(member)->type();
  std::vector<std::string> extreme_names;
  for (const auto& function : extremes) {
    extreme_names.push_back(context_.NewColumnName(function));
    aggregate->aggregates.push_back({function, member,
                                     std::make_shared<cp::ScalarAggregateOptions>(/*skip_nulls=*/true, /*min_count=*/1),
                                     extreme_names.back()});
    fields.push_back(arrow::field(extreme_names.back(), member_type));
  }
  aggregate->schema = arrow::schema(std::move(fields));
  aggregate->inputs = {std::move(input)};
  if (keys.empty()) {
    // One row, whatever the subquery returns.
    pending_.push_back({LogicalJoinType::kCross, aggregate, {}, false});
  } else {
    std::vector<cp::Expression> conditions;
    for (const auto& condition : correlation) conditions.push_back(RenameColumns(condition, renamed));
    pending_.push_back({LogicalJoinType::kLeft, aggregate, std::move(conditions), null_safe});
  }
  // An outer row without a matching group has no rows to compare with.
  auto zero = cp::literal(int64_t{0});
  out.rows = cp::call("coalesce", {AddedColumn(arrow::field(rows, arrow::int64())).expr, zero});
  out.values = cp::call("coalesce", {AddedColumn(arrow::field(values, arrow::int64())).expr, zero});
  for (const auto& name : extreme_names) out.extremes.push_back(AddedColumn(arrow::field(name, member_type)).expr);
  return out;
}

cp::Expression SubqueryBinder::Unknown(const Comparison& comparison, const Counts& counts) {
  // With rows to compare with, a NULL value or a NULL among the rows makes a
  // comparison without a decisive outcome unknown.
  return cp::call("or", {cp::call("is_null", {comparison.value}), cp::call("less", {counts.values, counts.rows})});
}

arrow::Result<cp::Expression> SubqueryBinder::QuantifiedTest(const Comparison& comparison, const std::string& op,
                                                             bool all, int location) {
  const auto& correlation = comparison.sub.correlation;
  const auto& right_schema = *comparison.sub.query.plan->schema;
  if (!correlation.empty() && !OnlyEqualitiesOnRightColumns(correlation, right_schema)) {
    return sql::SqlError(context_.sql, location, op, all ? " ALL" : " ANY",
                         " (subquery) correlated by anything but equalities is supported only where its outer rows "
                         "are known");
  }
  // Per correlation key: the row count, the non-NULL count, and the least and greatest
  // value. x > ANY holds when x > least, x > ALL when x > greatest, and so on.
  const auto keys = CorrelationColumns(correlation, right_schema);
  std::string member = context_.NewColumnName(comparison.member_name);
  ARROW_ASSIGN_OR_RAISE(auto members, MembersByKey(comparison, member, keys, keys));
  std::map<std::string, std::string> same;
  ARROW_ASSIGN_OR_RAISE(auto counts,
                        AddCounts(members, keys, member, correlation, comparison.sub.null_safe, same, {"min", "max"}));
  const cp::Expression& least = counts.extremes[0];
  const cp::Expression& greatest = counts.extremes[1];
  const cp::Expression& x = comparison.value;
  auto compare = [&](const char* function, const cp::Expression& bound) { return cp::call(function, {x, bound}); };
  // `decisive` settles the outcome when true: some comparison is true (ANY) or false
  // (ALL). It reads the extremes, which are NULL only when every row is NULL.
  cp::Expression decisive;
  if (op == "=") {  // = ALL: false when some value differs
    decisive = cp::call("invert", {cp::call("and_kleene", {compare("equal", least), compare("equal", greatest)})});
  } else if (op == "<>") {  // <> ANY: true when some value differs
    decisive = cp::call("or_kleene", {compare("not_equal", least), compare("not_equal", greatest)});
  } else {
    const bool greater = op == ">" || op == ">=";
    // ANY compares with the easiest value to beat, ALL with the hardest.
    const cp::Expression& bound = greater != all ? least : greatest;
    decisive = compare(ComparisonFunction(op), bound);
    if (all) decisive = cp::call("invert", {decisive});
  }
  decisive = cp::call("coalesce", {decisive, cp::literal(false)});
  auto empty = cp::call("equal", {counts.rows, cp::literal(int64_t{0})});
  auto unknown = cp::literal(arrow::MakeNullScalar(arrow::boolean()));
  // ANY over no rows is false, ALL true; a decisive comparison wins; otherwise a NULL
  // leaves it unknown, and without one it is the empty-case answer.
  auto undecided = cp::call("if_else", {Unknown(comparison, counts), unknown, cp::literal(all)});
  return cp::call("if_else", {empty, cp::literal(all), cp::call("if_else", {decisive, cp::literal(!all), undecided})});
}

arrow::Result<BoundExpression> SubqueryBinder::CompareWithOneRow(const ParsedExpr& expr, ExpressionBinder& binder,
                                                                 const std::string& op, bool all) {
  // Its one value may be computed over no rows (count(*) is then 0, not NULL), which
  // the aggregate's join knows how to give.
  ARROW_ASSIGN_OR_RAISE(auto one, JoinAggregate(*expr.subquery, expr.location, /*single_column=*/true));
  ARROW_ASSIGN_OR_RAISE(auto value, ComparedValue(expr, binder, one.type));
  cp::Expression member = one.value;
  if (!one.type->Equals(*value.type)) {
    member = cp::call("cast", {member}, std::make_shared<cp::CastOptions>(cp::CastOptions::Safe(value.type)));
  }
  cp::Expression compared = cp::call(ComparisonFunction(op), {value.expr, member});
  // Without the row (HAVING dropped it), ANY is false and ALL true.
  if (!one.present.literal()) compared = cp::call("if_else", {one.present, compared, cp::literal(all)});
  return binder.BindBuilt(compared, expr.location);
}

arrow::Result<BoundExpression> SubqueryBinder::BindIn(const ParsedExpr& expr, ExpressionBinder& binder) {
  // x IN (one value) is x = that value.
  if (IsAggregatedWithoutGroups(*expr.subquery)) return CompareWithOneRow(expr, binder, "=", /*all=*/false);
  ARROW_ASSIGN_OR_RAISE(auto sub, binder_.BindSubquery(*expr.subquery, outer_, outer_rows_));
  ARROW_ASSIGN_OR_RAISE(auto comparison, BindComparison(expr, binder, std::move(sub)));
  ARROW_ASSIGN_OR_RAISE(auto test, MembershipTest(comparison, expr.location));
  return binder.BindBuilt(test, expr.location);
}

arrow::Result<BoundExpression> SubqueryBinder::BindQuantified(const ParsedExpr& expr, ExpressionBinder& binder) {
  // Over one value, ANY and ALL are both the plain comparison.
  if (IsAggregatedWithoutGroups(*expr.subquery)) {
    return CompareWithOneRow(expr, binder, expr.op, expr.quantifier_all);
  }
  ARROW_ASSIGN_OR_RAISE(auto sub, binder_.BindSubquery(*expr.subquery, outer_, outer_rows_));
  ARROW_ASSIGN_OR_RAISE(auto comparison, BindComparison(expr, binder, std::move(sub)));
  ARROW_ASSIGN_OR_RAISE(auto test, QuantifiedTest(comparison, expr.op, expr.quantifier_all, expr.location));
  return binder.BindBuilt(test, expr.location);
}

arrow::Result<LogicalPlanPtr> SubqueryBinder::Apply(LogicalPlanPtr plan) {
  for (auto& join : pending_) {
    ARROW_ASSIGN_OR_RAISE(
        auto joined, JoinOnCorrelation(join.type, plan, join.right, join.conditions, join.null_safe, {}, context_));
    plan = joined;
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
  if (inner->kind != ExprKind::kExists && inner->kind != ExprKind::kInSubquery &&
      inner->kind != ExprKind::kQuantifiedSubquery) {
    return std::nullopt;
  }
  // A subquery that aggregates without GROUP BY has one row per outer row (or none,
  // by HAVING): comparisons with it are plain comparisons, EXISTS a test of HAVING.
  if (IsAggregatedWithoutGroups(*inner->subquery)) return std::nullopt;
  if (inner->kind == ExprKind::kQuantifiedSubquery) return FilterByQuantified(std::move(plan), *inner);
  const LogicalJoinType type = negated ? LogicalJoinType::kAnti : LogicalJoinType::kSemi;
  // Correlated NOT IN is a membership test per outer row (below), which needs the
  // outer rows for a correlation other than equalities; the rest are semi / anti joins
  // on any condition.
  const bool membership_test = negated && inner->kind == ExprKind::kInSubquery;
  ARROW_ASSIGN_OR_RAISE(auto sub,
                        binder_.BindSubquery(*inner->subquery, outer_, membership_test ? outer_rows_ : nullptr));
  std::vector<cp::Expression> conditions = sub.correlation;
  if (inner->kind == ExprKind::kExists) {
    ARROW_ASSIGN_OR_RAISE(auto joined, MakeJoinOn(type, plan, sub.query.plan, conditions, context_));
    return LogicalPlanPtr(joined);
  }

  // x [NOT] IN (SELECT y …): the join matches x = y.
  ExpressionBinder value_binder(context_, outer_, "WHERE");
  ARROW_ASSIGN_OR_RAISE(auto comparison, BindComparison(*inner, value_binder, std::move(sub)));
  const auto& correlation = comparison.sub.correlation;
  conditions.push_back(cp::call("equal", {comparison.value, comparison.member}));
  if (!negated) {
    ARROW_ASSIGN_OR_RAISE(auto joined, MakeJoinOn(type, plan, comparison.sub.query.plan, conditions, context_));
    return LogicalPlanPtr(joined);
  }
  if (!correlation.empty()) {
    // Correlated NOT IN: the membership test's mark and counts per correlation key.
    ARROW_ASSIGN_OR_RAISE(auto test, MembershipTest(comparison, inner->location));
    ARROW_ASSIGN_OR_RAISE(plan, Apply(plan));
    ARROW_ASSIGN_OR_RAISE(auto filtered, MakeFilter(plan, cp::call("invert", {test})));
    return filtered;
  }
  // NOT IN: rows without a match, then SQL's NULL rules: if the subquery yields a NULL
  // nothing passes; a NULL x passes only when the subquery yields nothing.
  ARROW_ASSIGN_OR_RAISE(auto unmatched, MakeJoinOn(type, plan, comparison.sub.query.plan, conditions, context_));
  const ScopeColumn& column = comparison.sub.query.scope.columns()[0];
  auto counts = std::make_shared<LogicalAggregate>();
  std::string rows = context_.NewColumnName("rows");
  std::string values = context_.NewColumnName("values");
  counts->aggregates.push_back({"count_all", "", nullptr, rows});
  counts->aggregates.push_back(
      {"count", column.field, std::make_shared<cp::CountOptions>(cp::CountOptions::ONLY_VALID), values});
  counts->schema = arrow::schema({arrow::field(rows, arrow::int64()), arrow::field(values, arrow::int64())});
  counts->inputs = {comparison.sub.query.plan};
  ARROW_ASSIGN_OR_RAISE(auto with_counts, MakeJoinOn(LogicalJoinType::kCross, unmatched, counts, {}, context_));
  auto keep = cp::call("and_kleene",
                       {cp::call("equal", {cp::field_ref(values), cp::field_ref(rows)}),
                        cp::call("or_kleene", {cp::call("is_valid", {comparison.value}),
                                               cp::call("equal", {cp::field_ref(rows), cp::literal(int64_t{0})})})});
  ARROW_ASSIGN_OR_RAISE(auto filtered, MakeFilter(with_counts, keep));
  return filtered;
}

arrow::Result<LogicalPlanPtr> SubqueryBinder::FilterByQuantified(LogicalPlanPtr plan, const ParsedExpr& expr) {
  ARROW_ASSIGN_OR_RAISE(auto sub, binder_.BindSubquery(*expr.subquery, outer_));
  ExpressionBinder value_binder(context_, outer_, "WHERE");
  ARROW_ASSIGN_OR_RAISE(auto comparison, BindComparison(expr, value_binder, std::move(sub)));
  const auto& correlation = comparison.sub.correlation;
  if (correlation.empty() || OnlyEqualitiesOnRightColumns(correlation, *comparison.sub.query.plan->schema)) {
    ARROW_ASSIGN_OR_RAISE(auto test, QuantifiedTest(comparison, expr.op, expr.quantifier_all, expr.location));
    ARROW_ASSIGN_OR_RAISE(plan, Apply(plan));
    return MakeFilter(plan, test);
  }
  // Other correlations pair rows by a join condition: ANY keeps the rows with a row
  // that compares true (a semi join), ALL drops those with one that does not (an anti
  // join), which is also right for no rows (ALL holds) and a NULL (it is not true).
  std::vector<cp::Expression> conditions = correlation;
  auto compared = cp::call(ComparisonFunction(expr.op), {comparison.value, comparison.member});
  if (expr.quantifier_all) {
    conditions.push_back(cp::call("invert", {cp::call("coalesce", {compared, cp::literal(false)})}));
  } else {
    conditions.push_back(compared);
  }
  const auto type = expr.quantifier_all ? LogicalJoinType::kAnti : LogicalJoinType::kSemi;
  ARROW_ASSIGN_OR_RAISE(auto joined, MakeJoinOn(type, plan, comparison.sub.query.plan, conditions, context_));
  return LogicalPlanPtr(joined);
}

}  // namespace quiver::plan
