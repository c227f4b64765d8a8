#include "quiver/plan/binder.h"

#include <arrow/array/builder_base.h>
#include <arrow/array/util.h>
#include <arrow/compute/api.h>
#include <arrow/scalar.h>
#include <arrow/table.h>

#include <functional>
#include <set>

#include "quiver/lake/managed_tables.h"
#include "quiver/plan/aggregate_binder.h"
#include "quiver/plan/correlation_domain.h"
#include "quiver/plan/expression_binder.h"
#include "quiver/plan/grouping_sets.h"
#include "quiver/plan/plan_builders.h"
#include "quiver/plan/recursive_cte_binder.h"
#include "quiver/plan/sql_types.h"
#include "quiver/plan/subquery_binder.h"
#include "quiver/plan/window_binder.h"
#include "quiver/sql/parser.h"
#include "quiver/sql/source_text.h"

namespace quiver::plan {

using sql::ExprKind;
using sql::ParsedExpr;
using sql::QueryKind;
using sql::QueryNode;
using sql::TableRef;
using sql::TableRefKind;

namespace {

constexpr int kMaxViewDepth = 32;

bool IsPositiveIntegerLiteral(const ParsedExpr& expr) {
  return expr.kind == ExprKind::kLiteral && expr.value && expr.value->is_valid &&
         (expr.value->type->id() == arrow::Type::INT32 || expr.value->type->id() == arrow::Type::INT64);
}

int64_t IntegerLiteralValue(const ParsedExpr& expr) {
  if (expr.value->type->id() == arrow::Type::INT32) return static_cast<const arrow::Int32Scalar&>(*expr.value).value;
  return static_cast<const arrow::Int64Scalar&>(*expr.value).value;
}

// The conjuncts of an AND chain, or the expression itself.
std::vector<sql::ParsedExprPtr> SplitParsedConjunction(const sql::ParsedExprPtr& expr) {
  if (expr->kind != ExprKind::kAnd) return {expr};
  std::vector<sql::ParsedExprPtr> out;
  for (const auto& arg : expr->args) {
    auto parts = SplitParsedConjunction(arg);
    out.insert(out.end(), parts.begin(), parts.end());
  }
  return out;
}

sql::ParsedExprPtr AndOf(const std::vector<sql::ParsedExprPtr>& conjuncts) {
  if (conjuncts.size() == 1) return conjuncts[0];
  auto expr = std::make_shared<ParsedExpr>();
  expr->kind = ExprKind::kAnd;
  expr->location = conjuncts[0]->location;
  expr->args = conjuncts;
  return expr;
}

// True if the expression (outside nested subqueries) names a column that is not in
// `inner` but is in `outer`.
bool ReadsOuterColumns(const ParsedExpr& expr, const BindScope& inner, const BindScope& outer) {
  if (expr.kind == ExprKind::kColumnRef) {
    auto in_inner = inner.Find(expr.names);
    if (in_inner.ok() && *in_inner) return false;
    auto in_outer = outer.Find(expr.names);
    return in_outer.ok() && *in_outer;
  }
  for (const auto& arg : expr.args) {
    if (arg && ReadsOuterColumns(*arg, inner, outer)) return true;
  }
  for (const auto* child : {expr.case_operand.get(), expr.case_else.get()}) {
    if (child && ReadsOuterColumns(*child, inner, outer)) return true;
  }
  return false;
}

// A set-returning function call in FROM that reads columns, which can only be those
// of the FROM items before it: it is called per row of theirs. One that reads none is
// an ordinary FROM item (computed once, joined by any join).
bool IsLateralSetFunction(const TableRef& ref) {
  if (!IsSetFunction(ref)) return false;
  std::function<bool(const ParsedExpr&)> reads_columns = [&](const ParsedExpr& expr) {
    if (expr.kind == ExprKind::kColumnRef) return true;
    for (const auto& arg : expr.args) {
      if (arg && reads_columns(*arg)) return true;
    }
    for (const auto* child : {expr.case_operand.get(), expr.case_else.get()}) {
      if (child && reads_columns(*child)) return true;
    }
    return false;
  };
  return std::any_of(ref.function->args.begin(), ref.function->args.end(),
                     [&](const sql::ParsedExprPtr& arg) { return reads_columns(*arg); });
}

// The inner scope followed by the outer one; an outer column whose name an inner
// column also has is reachable only qualified (the inner one wins, as in SQL).
BindScope CorrelationScope(const BindScope& inner, const BindScope& outer) {
  std::vector<ScopeColumn> columns = inner.columns();
  for (auto column : outer.columns()) {
    for (const auto& own : inner.columns()) {
      if (own.name == column.name && !own.hidden) column.hidden = true;
    }
    columns.push_back(std::move(column));
  }
  return BindScope(std::move(columns));
}

// Adds a column numbering the copies of each distinct row 1, 2, … (row_number over the
// rows partitioned by all of `columns`, whose NULLs fall in one partition).
LogicalPlanPtr NumberCopies(LogicalPlanPtr input, const std::vector<std::string>& columns, const std::string& output) {
  auto window = std::make_shared<LogicalWindow>();
  window->partition_by = columns;
  WindowFunctionCall call;
  call.function = "row_number";
  call.output = output;
  window->calls = {call};
  auto fields = input->schema->fields();
  fields.push_back(arrow::field(output, arrow::int64()));
  window->schema = arrow::schema(std::move(fields));
  window->inputs = {std::move(input)};
  return window;
}

}  // namespace

arrow::Result<CorrelatedSubquery> Binder::BindCorrelated(const QueryNode& query, const BindScope& outer,
                                                         const LogicalPlanPtr& outer_rows, bool lateral) {
  CorrelatedSubquery out;
  if (query.kind == QueryKind::kSelect) correlation_ = CorrelationRequest{&outer, outer_rows, lateral, &out};
  ++expression_subquery_depth_;
  auto bound = BindQuery(query);
  --expression_subquery_depth_;
  correlation_.reset();
  ARROW_ASSIGN_OR_RAISE(out.query, std::move(bound));
  return out;
}

arrow::Result<CorrelatedSubquery> Binder::BindSubquery(const QueryNode& query, const BindScope& outer,
                                                       const LogicalPlanPtr& outer_rows) {
  return BindCorrelated(query, outer, outer_rows, /*lateral=*/false);
}

arrow::Result<CorrelatedSubquery> Binder::BindLateralSubquery(const QueryNode& query, const BindScope& outer,
                                                              const LogicalPlanPtr& outer_rows) {
  return BindCorrelated(query, outer, outer_rows, /*lateral=*/true);
}

arrow::Result<LogicalPlanPtr> Binder::BindStatementQuery(const QueryNode& query) {
  ARROW_ASSIGN_OR_RAISE(auto bound, BindQuery(query));
  std::vector<cp::Expression> expressions;
  std::vector<std::string> names;
  for (const auto& column : bound.scope.columns()) {
    expressions.push_back(cp::field_ref(column.field));
    names.push_back(column.name);
  }
  return MakeProject(bound.plan, std::move(expressions), std::move(names));
}

arrow::Result<BoundQuery> Binder::BindQuery(const QueryNode& query) {
  std::map<std::string, std::pair<const sql::CommonTableExpr*, size_t>> definitions;
  for (size_t i = 0; i < query.ctes.size(); ++i) {
    const auto& cte = query.ctes[i];
    if (definitions.count(cte.name)) {
      return sql::SqlError(context_.sql, cte.location, "WITH query name \"", cte.name, "\" specified more than once");
    }
    definitions[cte.name] = {&cte, i};
    // The statement's own WITH queries named more than once are computed once; those
    // of views and subqueries stay inline, where outer columns may be in scope.
    const bool statement_level = ctes_.empty() && view_depth_ == 0 && expression_subquery_depth_ == 0;
    if (statement_level && !(cte.recursive && QueryReadsTable(*cte.query, cte.name)) &&
        CountTableReferences(query, cte.name) > 1) {
      shared_ctes_[&cte] = nullptr;
    }
  }
  ctes_.push_back(std::move(definitions));
  auto result = BindQueryBody(query);
  ctes_.pop_back();
  return result;
}

arrow::Result<BoundQuery> Binder::BindQueryBody(const QueryNode& query) {
  switch (query.kind) {
    case QueryKind::kSelect:
      return BindSelect(query);
    case QueryKind::kValues: {
      ARROW_ASSIGN_OR_RAISE(auto values, BindValues(query));
      return BindOrderAndLimit(std::move(values), query, query.order_by);
    }
    case QueryKind::kSetOperation: {
      ARROW_ASSIGN_OR_RAISE(auto combined, BindSetOperation(query));
      return BindOrderAndLimit(std::move(combined), query, query.order_by);
    }
  }
  return arrow::Status::Invalid("unknown query kind");
}

arrow::Result<BoundQuery> Binder::BindValues(const QueryNode& query) {
  const size_t width = query.values_rows.front().size();
  std::vector<std::vector<BoundExpression>> columns(width);
  BindScope empty;
  ExpressionBinder binder(context_, empty, "VALUES");
  for (const auto& row : query.values_rows) {
    if (row.size() != width) return arrow::Status::Invalid("VALUES lists must all be the same length");
    for (size_t c = 0; c < width; ++c) {
      ARROW_ASSIGN_OR_RAISE(auto value, binder.Bind(*row[c]));
      columns[c].push_back(std::move(value));
    }
  }
  auto values = std::make_shared<LogicalValues>();
  arrow::FieldVector fields;
  arrow::ArrayVector arrays;
  BoundQuery out;
  for (size_t c = 0; c < width; ++c) {
    ARROW_RETURN_NOT_OK(binder.Unify(&columns[c], query.values_rows.front()[c]->location, "VALUES"));
    std::shared_ptr<arrow::DataType> type = columns[c].front().type;
    std::unique_ptr<arrow::ArrayBuilder> builder;
    ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), type, &builder));
    for (const auto& value : columns[c]) {
      ARROW_ASSIGN_OR_RAISE(auto scalar, EvaluateConstant(value));
      ARROW_RETURN_NOT_OK(builder->AppendScalar(*scalar));
    }
    ARROW_ASSIGN_OR_RAISE(auto array, builder->Finish());
    std::string sql_name = "column" + std::to_string(c + 1);
    std::string field = context_.NewColumnName(sql_name);
    fields.push_back(arrow::field(field, type));
    arrays.push_back(std::move(array));
    out.scope.mutable_columns().push_back({"", sql_name, field, type, false});
  }
  values->schema = arrow::schema(fields);
  values->table = arrow::Table::Make(values->schema, arrays);
  out.plan = values;
  return out;
}

arrow::Result<BoundQuery> Binder::BindSetOperation(const QueryNode& query) {
  const char* name = query.set_operator == sql::SetOperator::kUnion       ? "UNION"
                     : query.set_operator == sql::SetOperator::kIntersect ? "INTERSECT"
                                                                          : "EXCEPT";
  ARROW_ASSIGN_OR_RAISE(auto left, BindQuery(*query.left));
  ARROW_ASSIGN_OR_RAISE(auto right, BindQuery(*query.right));
  const auto& left_columns = left.scope.columns();
  const auto& right_columns = right.scope.columns();
  if (left_columns.size() != right_columns.size()) {
    return arrow::Status::Invalid("each ", name, " query must have the same number of columns");
  }
  // Both sides are projected to the common column types under fresh names.
  std::vector<cp::Expression> left_exprs, right_exprs;
  std::vector<std::string> names;
  BoundQuery out;
  for (size_t i = 0; i < left_columns.size(); ++i) {
    auto type = CommonType(left_columns[i].type, right_columns[i].type);
    if (!type.ok()) {
      return arrow::Status::Invalid(name, " types ", SqlTypeName(*left_columns[i].type), " and ",
                                    SqlTypeName(*right_columns[i].type), " cannot be matched");
    }
    auto cast = [&](const ScopeColumn& column) {
      cp::Expression ref = cp::field_ref(column.field);
      if (column.type->Equals(**type)) return ref;
      return cp::call("cast", {ref}, std::make_shared<cp::CastOptions>(cp::CastOptions::Safe(*type)));
    };
    left_exprs.push_back(cast(left_columns[i]));
    right_exprs.push_back(cast(right_columns[i]));
    std::string field = context_.NewColumnName(left_columns[i].name);
    names.push_back(field);
    out.scope.mutable_columns().push_back({"", left_columns[i].name, field, *type, false});
  }
  ARROW_ASSIGN_OR_RAISE(auto left_plan, MakeProject(left.plan, std::move(left_exprs), names));
  std::vector<std::string> right_names;
  for (const auto& n : names) right_names.push_back(context_.NewColumnName("u"));
  ARROW_ASSIGN_OR_RAISE(auto right_plan, MakeProject(right.plan, std::move(right_exprs), right_names));
  const LogicalJoinType filter_join =
      query.set_operator == sql::SetOperator::kIntersect ? LogicalJoinType::kSemi : LogicalJoinType::kAnti;
  if (query.set_operator != sql::SetOperator::kUnion && query.set_all) {
    // INTERSECT ALL / EXCEPT ALL: the k-th copy of a row on the left is kept when the
    // right has (INTERSECT) / has not (EXCEPT) a k-th copy of it, which leaves min(m, n)
    // and max(m - n, 0) copies of a row the sides hold m and n times.
    for (const auto& column : out.scope.columns()) {
      // Copies are numbered after sorting by every column, and Arrow cannot sort intervals.
      if (column.type->id() == arrow::Type::INTERVAL_MONTH_DAY_NANO) {
        return arrow::Status::NotImplemented(name, " ALL over ", SqlTypeName(*column.type),
                                             " columns is not supported");
      }
    }
    std::string left_ordinal = context_.NewColumnName("copy");
    std::string right_ordinal = context_.NewColumnName("copy");
    auto left_keys = names;
    auto right_keys = right_names;
    left_keys.push_back(left_ordinal);
    right_keys.push_back(right_ordinal);
    auto join = std::static_pointer_cast<LogicalJoin>(
        MakeJoin(filter_join, NumberCopies(left_plan, names, left_ordinal),
                 NumberCopies(right_plan, right_names, right_ordinal), left_keys, right_keys, std::nullopt));
    join->null_equal_keys = true;
    ARROW_ASSIGN_OR_RAISE(out.plan, MakeColumnSelection(join, names));
    return out;
  }
  if (query.set_operator != sql::SetOperator::kUnion) {
    // INTERSECT / EXCEPT: the distinct left rows with / without an equal right row,
    // where NULLs count as equal (as in DISTINCT).
    auto distinct = std::make_shared<LogicalAggregate>();
    distinct->keys = names;
    distinct->schema = left_plan->schema;
    distinct->inputs = {left_plan};
    auto join = std::static_pointer_cast<LogicalJoin>(
        MakeJoin(filter_join, distinct, right_plan, names, right_names, std::nullopt));
    join->null_equal_keys = true;
    out.plan = join;
    return out;
  }
  auto union_plan = std::make_shared<LogicalUnion>();
  union_plan->schema = left_plan->schema;
  union_plan->inputs = {left_plan, right_plan};
  out.plan = union_plan;
  if (!query.set_all) {
    auto distinct = std::make_shared<LogicalAggregate>();
    distinct->keys = names;
    distinct->schema = union_plan->schema;
    distinct->inputs = {union_plan};
    out.plan = distinct;
  }
  return out;
}

arrow::Result<BoundQuery> Binder::BindSelect(const QueryNode& query) {
  // The correlation context is for this SELECT only, not for queries nested in it.
  const std::optional<CorrelationRequest> request = std::move(correlation_);
  correlation_.reset();
  const BindScope* outer = request ? request->outer : nullptr;
  std::vector<cp::Expression>* correlation_out = request ? &request->out->correlation : nullptr;
  std::vector<std::pair<std::string, cp::Expression>>* deferred_out =
      request && request->lateral ? &request->out->deferred : nullptr;

  BoundQuery input;
  if (query.from.empty()) {
    ARROW_ASSIGN_OR_RAISE(input.plan, SingleRow(context_));
  } else {
    ARROW_ASSIGN_OR_RAISE(input, BindFrom(query.from));
  }
  const BindScope& scope = input.scope;
  LogicalPlanPtr plan = input.plan;

  // WHERE conjuncts that read the outer query's columns tie a subquery to it; they
  // become join conditions, over columns the subquery keeps in its output.
  std::vector<cp::Expression> correlated;
  std::vector<std::string> correlated_columns;
  std::vector<sql::ParsedExprPtr> conditions;
  if (query.where) {
    if (const auto* aggregate = FindAggregate(*query.where)) {
      return AggregateNotAllowed(context_.sql, *aggregate, "WHERE");
    }
    for (auto& conjunct : SplitParsedConjunction(query.where)) {
      if (!outer || !ReadsOuterColumns(*conjunct, scope, *outer)) {
        conditions.push_back(conjunct);
        continue;
      }
      BindScope both = CorrelationScope(scope, *outer);
      ExpressionBinder correlation_binder(context_, both, "correlated WHERE conditions");
      ARROW_ASSIGN_OR_RAISE(auto condition, correlation_binder.BindCondition(*conjunct));
      for (const auto& name : ReferencedColumns(condition.expr)) {
        bool is_inner = false;
        for (const auto& column : scope.columns()) is_inner = is_inner || column.field == name;
        if (is_inner &&
            std::find(correlated_columns.begin(), correlated_columns.end(), name) == correlated_columns.end()) {
          correlated_columns.push_back(name);
        }
      }
      correlated.push_back(condition.expr);
    }
  }
  // A LATERAL subquery's LIMIT keeps the first rows of each correlation key.
  const bool limit_per_key = !correlated.empty() && (query.limit || query.offset);
  if (limit_per_key && !deferred_out) {
    return arrow::Status::NotImplemented("LIMIT and OFFSET in a correlated subquery are not supported");
  }
  if (!conditions.empty()) {
    // [NOT] EXISTS and [NOT] IN conjuncts filter by semi and anti joins; the rest is one
    // filter, whose subqueries (scalar, or EXISTS/IN inside OR) join their columns in.
    SubqueryBinder where_subqueries(*this, context_, scope, plan);
    std::vector<sql::ParsedExprPtr> remaining;
    for (auto& conjunct : conditions) {
      ARROW_ASSIGN_OR_RAISE(auto joined, where_subqueries.TryFilterJoin(plan, *conjunct));
      if (joined) {
        plan = *joined;
      } else {
        remaining.push_back(conjunct);
      }
    }
    if (!remaining.empty()) {
      ExpressionBinder where_binder(context_, scope, "WHERE");
      where_binder.set_subquery_resolver(&where_subqueries);
      ARROW_ASSIGN_OR_RAISE(auto predicate, where_binder.BindCondition(*AndOf(remaining)));
      ARROW_ASSIGN_OR_RAISE(plan, where_subqueries.Apply(plan));
      ARROW_ASSIGN_OR_RAISE(plan, MakeFilter(plan, predicate.expr));
    }
  }

  if (!correlated.empty() && request->outer_rows && !OnlyEqualitiesOnRightColumns(correlated, *scope.schema())) {
    // Computed per outer value instead of per inner key (correlation_domain.h).
    ARROW_ASSIGN_OR_RAISE(auto domain, JoinCorrelationDomain(plan, correlated, request->outer_rows, context_));
    plan = domain.plan;
    correlated = std::move(domain.correlation);
    correlated_columns.clear();
    for (auto& column : domain.columns) {
      correlated_columns.push_back(column.field);
      input.scope.mutable_columns().push_back(std::move(column));
    }
    request->out->null_safe = true;
  }

  // Expand * into the select list's items.
  std::vector<sql::SelectItem> items;
  for (const auto& item : query.select_list) {
    if (item.expr->kind != ExprKind::kStar) {
      items.push_back(item);
      continue;
    }
    const auto& qualifier = item.expr->names;
    if (query.from.empty()) {
      return sql::SqlError(context_.sql, item.expr->location, "SELECT * with no tables specified is not valid");
    }
    if (!qualifier.empty() && !scope.HasTable(qualifier.back())) {
      return sql::SqlError(context_.sql, item.expr->location, "missing FROM-clause entry for table \"",
                           qualifier.back(), "\"");
    }
    for (const auto& column : scope.columns()) {
      if (column.hidden || (!qualifier.empty() && column.table != qualifier.back())) continue;
      auto ref = std::make_shared<ParsedExpr>();
      ref->kind = ExprKind::kColumnRef;
      ref->location = item.expr->location;
      if (!column.table.empty()) ref->names.push_back(column.table);
      ref->names.push_back(column.name);
      items.push_back({ref, ""});
    }
  }

  bool has_aggregates = !query.group_by.empty() || !query.grouping_sets.empty() || (query.having != nullptr);
  for (const auto& item : items) has_aggregates = has_aggregates || ContainsAggregate(*item.expr);
  for (const auto& order : query.order_by) has_aggregates = has_aggregates || ContainsAggregate(*order.expr);

  std::optional<AggregateBinder> aggregation;
  // Subqueries in aggregate arguments are computed per input row, joined in before
  // grouping.
  SubqueryBinder input_subqueries(*this, context_, scope, plan);
  // Columns the correlation conditions read, as the subquery's output computes them.
  std::map<std::string, std::string> correlation_outputs;
  if (has_aggregates) {
    aggregation.emplace(context_, scope);
    aggregation->set_input_subqueries(&input_subqueries);
    ExpressionBinder key_binder(context_, scope, "GROUP BY");
    auto resolve_key = [&](const ParsedExpr& group) -> arrow::Result<size_t> {
      const ParsedExpr* key = &group;
      // GROUP BY 2 and GROUP BY alias refer to select-list items.
      if (IsPositiveIntegerLiteral(*key)) {
        int64_t ordinal = IntegerLiteralValue(*key);
        if (ordinal < 1 || ordinal > static_cast<int64_t>(items.size())) {
          return sql::SqlError(context_.sql, key->location, "GROUP BY position ", ordinal, " is not in select list");
        }
        key = items[ordinal - 1].expr.get();
      } else if (key->kind == ExprKind::kColumnRef && key->names.size() == 1) {
        auto in_input = scope.Find(key->names);
        if (in_input.ok() && *in_input == nullptr) {
          for (const auto& item : items) {
            if (item.alias == key->names[0]) key = item.expr.get();
          }
        }
      }
      if (const auto* aggregate = FindAggregate(*key)) return AggregateNotAllowed(context_.sql, *aggregate, "GROUP BY");
      ARROW_ASSIGN_OR_RAISE(auto bound, key_binder.Bind(*key));
      if (bound.adapts_to_context) {
        ARROW_ASSIGN_OR_RAISE(bound, key_binder.CastTo(bound, arrow::utf8(), key->location));
      }
      return aggregation->AddGroupKey(bound, context_.NewColumnName(key->DefaultColumnName()));
    };
    ARROW_ASSIGN_OR_RAISE(auto grouping_sets, ExpandGroupingSets(query, resolve_key, context_.sql));
    if (!query.grouping_sets.empty()) aggregation->SetGroupingSets(std::move(grouping_sets));
    // A correlated aggregate is computed per value of the columns it is correlated on.
    for (const auto& column : correlated_columns) {
      BoundExpression key;
      key.type = scope.schema()->GetFieldByName(column)->type();
      ARROW_ASSIGN_OR_RAISE(key.expr, cp::field_ref(column).Bind(*scope.schema()));
      size_t position = aggregation->AddGroupKey(key, context_.NewColumnName("corr"));
      correlation_outputs[column] = aggregation->GroupedSchema()->field(static_cast<int>(position))->name();
    }
  } else {
    for (const auto& column : correlated_columns) correlation_outputs[column] = column;
  }
  AggregateResolver* resolver = aggregation ? &*aggregation : nullptr;
  // Subqueries in the select list, HAVING and ORDER BY join onto the rows those are
  // computed from (after grouping, if any; then they may not be correlated).
  BindScope no_columns;
  SubqueryBinder select_subqueries(*this, context_, aggregation ? no_columns : scope, aggregation ? nullptr : plan);
  WindowBinder windows(context_, query.windows);

  // Bind the select list (after grouping, when there is grouping).
  ExpressionBinder select_binder(context_, scope, "SELECT", resolver);
  select_binder.set_subquery_resolver(&select_subqueries);
  select_binder.set_window_resolver(&windows);
  std::vector<BoundExpression> outputs;
  std::vector<std::string> output_names;
  // LATERAL select-list items that read outer columns, by output position: computed
  // after the join, from the outer columns and the inner ones they read.
  std::map<size_t, BoundExpression> deferred;
  for (const auto& item : items) {
    if (deferred_out && ReadsOuterColumns(*item.expr, scope, *outer)) {
      if (aggregation) {
        return sql::SqlError(context_.sql, item.expr->location,
                             "a LATERAL subquery that aggregates cannot read outer columns in its select list");
      }
      if (ContainsWindow(*item.expr)) {
        return sql::SqlError(context_.sql, item.expr->location,
                             "window functions over outer columns in a LATERAL subquery are not supported");
      }
      BindScope both = CorrelationScope(scope, *outer);
      ExpressionBinder outer_binder(context_, both, "SELECT");
      ARROW_ASSIGN_OR_RAISE(auto value, outer_binder.Bind(*item.expr));
      if (value.adapts_to_context && value.type->id() != arrow::Type::NA) {
        ARROW_ASSIGN_OR_RAISE(value, outer_binder.CastTo(value, arrow::utf8(), item.expr->location));
      }
      deferred[outputs.size()] = value;
      outputs.push_back(std::move(value));
      output_names.push_back(item.alias.empty() ? item.expr->DefaultColumnName() : item.alias);
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(auto value, select_binder.Bind(*item.expr));
    if (value.adapts_to_context && value.type->id() != arrow::Type::NA) {
      ARROW_ASSIGN_OR_RAISE(value, select_binder.CastTo(value, arrow::utf8(), item.expr->location));
    }
    outputs.push_back(std::move(value));
    output_names.push_back(item.alias.empty() ? item.expr->DefaultColumnName() : item.alias);
  }

  std::optional<BoundExpression> having;
  if (query.having) {
    ExpressionBinder having_binder(context_, scope, "HAVING", resolver);
    having_binder.set_subquery_resolver(&select_subqueries);
    ARROW_ASSIGN_OR_RAISE(having, having_binder.BindCondition(*query.having));
  }

  // ORDER BY items that are not select-list items are computed as extra columns.
  struct SortTarget {
    size_t column;
    bool descending;
    bool nulls_first;
  };
  std::vector<SortTarget> sort_targets;
  std::vector<BoundExpression> extra_sort_columns;
  for (const auto& order : query.order_by) {
    // PostgreSQL's default: NULLs sort as if larger than every value.
    bool nulls_first = order.nulls_first.value_or(order.descending);
    const ParsedExpr& expr = *order.expr;
    std::optional<size_t> column;
    if (IsPositiveIntegerLiteral(expr)) {
      int64_t ordinal = IntegerLiteralValue(expr);
      if (ordinal < 1 || ordinal > static_cast<int64_t>(outputs.size())) {
        return sql::SqlError(context_.sql, expr.location, "ORDER BY position ", ordinal, " is not in select list");
      }
      column = static_cast<size_t>(ordinal - 1);
    } else if (expr.kind == ExprKind::kColumnRef && expr.names.size() == 1) {
      for (size_t i = 0; i < output_names.size(); ++i) {
        if (output_names[i] == expr.names[0]) {
          if (column) {
            return sql::SqlError(context_.sql, expr.location, "ORDER BY \"", expr.names[0], "\" is ambiguous");
          }
          column = i;
        }
      }
    }
    if (!column) {
      ExpressionBinder order_binder(context_, scope, "ORDER BY", resolver);
      order_binder.set_subquery_resolver(&select_subqueries);
      order_binder.set_window_resolver(&windows);
      ARROW_ASSIGN_OR_RAISE(auto value, order_binder.Bind(expr));
      for (size_t i = 0; i < outputs.size() && !column; ++i) {
        if (outputs[i].expr.Equals(value.expr)) column = i;
      }
      if (!column) {
        if (query.distinct) {
          return sql::SqlError(context_.sql, expr.location,
                               "for SELECT DISTINCT, ORDER BY expressions must appear in select list");
        }
        column = outputs.size() + extra_sort_columns.size();
        extra_sort_columns.push_back(std::move(value));
      }
    }
    sort_targets.push_back({*column, order.descending, nulls_first});
  }

  if (aggregation) {
    ARROW_ASSIGN_OR_RAISE(plan, input_subqueries.Apply(plan));
    ARROW_ASSIGN_OR_RAISE(plan, aggregation->BuildPlan(plan));
  }
  ARROW_ASSIGN_OR_RAISE(plan, select_subqueries.Apply(plan));
  if (having) {
    ARROW_ASSIGN_OR_RAISE(plan, MakeFilter(plan, having->expr));
  }
  // Window functions see the rows that remain after WHERE, GROUP BY and HAVING.
  ARROW_ASSIGN_OR_RAISE(plan, windows.BuildPlan(plan));

  if (!deferred.empty()) {
    if (query.distinct) {
      return arrow::Status::NotImplemented("SELECT DISTINCT over outer columns in a LATERAL subquery is not supported");
    }
    for (const auto& target : sort_targets) {
      if (deferred.count(target.column)) {
        return arrow::Status::NotImplemented(
            "ORDER BY a column computed from outer columns in a LATERAL subquery is not supported");
      }
    }
  }
  std::vector<cp::Expression> projections;
  std::vector<std::string> fields;
  BoundQuery out;
  // Inner columns that deferred items read, passed through under new names.
  std::map<std::string, std::string> carried;
  for (size_t i = 0; i < outputs.size(); ++i) {
    fields.push_back(context_.NewColumnName(output_names[i]));
    out.scope.mutable_columns().push_back({"", output_names[i], fields.back(), outputs[i].type, false});
    projections.push_back(outputs[i].expr);
    if (!deferred.count(i)) continue;
    for (const auto& name : ReferencedColumns(outputs[i].expr)) {
      if (!carried.count(name) && scope.schema()->GetFieldByName(name))
        carried[name] = context_.NewColumnName("lateral");
    }
  }
  for (const auto& [i, value] : deferred) deferred_out->emplace_back(fields[i], RenameColumns(value.expr, carried));
  for (auto& extra : extra_sort_columns) {
    projections.push_back(extra.expr);
    fields.push_back(context_.NewColumnName("sort"));
  }
  // The correlation columns ride along, unseen, for the caller to join on.
  std::map<std::string, std::string> correlation_renames;
  for (const auto& [column, computed] : correlation_outputs) {
    projections.push_back(cp::field_ref(computed));
    fields.push_back(context_.NewColumnName("corr"));
    correlation_renames[column] = fields.back();
  }
  // Deferred items are computed after the join; the inner columns they read ride along.
  std::vector<std::string> correlation_fields, hidden_outputs;
  for (const auto& [column, output] : correlation_renames) correlation_fields.push_back(output);
  hidden_outputs = correlation_fields;
  for (const auto& [column, output] : carried) {
    projections.push_back(cp::field_ref(column));
    fields.push_back(output);
    hidden_outputs.push_back(output);
  }
  std::vector<std::string> kept;
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (!deferred.count(i)) kept.push_back(fields[i]);
  }
  kept.insert(kept.end(), hidden_outputs.begin(), hidden_outputs.end());
  const std::vector<std::string> positional = fields;  // sort targets index these
  if (!deferred.empty()) {
    std::vector<cp::Expression> computed;
    std::vector<std::string> computed_fields;
    for (size_t i = 0; i < projections.size(); ++i) {
      if (i < outputs.size() && deferred.count(i)) continue;
      computed.push_back(projections[i]);
      computed_fields.push_back(fields[i]);
    }
    projections = std::move(computed);
    fields = std::move(computed_fields);
  }
  ARROW_ASSIGN_OR_RAISE(plan, MakeProject(plan, std::move(projections), fields));

  if (query.distinct) {
    auto distinct = std::make_shared<LogicalAggregate>();
    distinct->keys = fields;
    distinct->schema = plan->schema;
    distinct->inputs = {plan};
    plan = distinct;
  }
  std::vector<cp::SortKey> sort_keys;
  for (const auto& target : sort_targets) {
    sort_keys.emplace_back(arrow::FieldRef(positional[target.column]),
                           target.descending ? cp::SortOrder::Descending : cp::SortOrder::Ascending,
                           target.nulls_first ? cp::NullPlacement::AtStart : cp::NullPlacement::AtEnd);
  }
  if (limit_per_key) {
    // The first rows of each correlation key, in ORDER BY order: row_number over
    // partitions of the correlation columns, filtered.
    ARROW_ASSIGN_OR_RAISE(plan, LimitPerKey(plan, correlation_fields, sort_keys, query));
  } else if (!sort_keys.empty()) {
    auto sort = std::make_shared<LogicalSort>();
    sort->keys = std::move(sort_keys);
    sort->schema = plan->schema;
    sort->inputs = {plan};
    plan = sort;
  }
  out.plan = plan;
  if (!limit_per_key) {
    // Limits apply to the sorted rows, before extra sort columns are dropped.
    ARROW_ASSIGN_OR_RAISE(out, BindOrderAndLimit(std::move(out), query, {}));
  }
  if (!extra_sort_columns.empty() || limit_per_key) {
    ARROW_ASSIGN_OR_RAISE(out.plan, MakeColumnSelection(out.plan, kept));
  }
  for (const auto& condition : correlated) correlation_out->push_back(RenameColumns(condition, correlation_renames));
  return out;
}

arrow::Result<LogicalPlanPtr> Binder::LimitPerKey(LogicalPlanPtr plan, const std::vector<std::string>& keys,
                                                  const std::vector<cp::SortKey>& order, const QueryNode& query) {
  ARROW_ASSIGN_OR_RAISE(auto bounds, BindLimitAndOffset(query));
  const auto& [count, offset] = bounds;
  auto window = std::make_shared<LogicalWindow>();
  window->partition_by = keys;
  window->order_by = order;
  WindowFunctionCall row_number;
  row_number.function = "row_number";
  row_number.output = context_.NewColumnName("row_number");
  window->calls.push_back(row_number);
  auto fields = plan->schema->fields();
  fields.push_back(arrow::field(row_number.output, arrow::int64()));
  window->schema = arrow::schema(std::move(fields));
  window->inputs = {std::move(plan)};
  cp::Expression position = cp::field_ref(row_number.output);
  cp::Expression keep = cp::call("greater", {position, cp::literal(offset)});
  if (count) keep = cp::call("and_kleene", {keep, cp::call("less_equal", {position, cp::literal(offset + *count)})});
  return MakeFilter(window, keep);
}

arrow::Result<BoundQuery> Binder::BindOrderAndLimit(BoundQuery input, const QueryNode& query,
                                                    const std::vector<sql::OrderItem>& order_by) {
  if (!order_by.empty()) {
    // ORDER BY of VALUES and set operations: output columns by name or position.
    auto sort = std::make_shared<LogicalSort>();
    for (const auto& order : order_by) {
      const ParsedExpr& expr = *order.expr;
      const ScopeColumn* column = nullptr;
      if (IsPositiveIntegerLiteral(expr)) {
        int64_t ordinal = IntegerLiteralValue(expr);
        if (ordinal < 1 || ordinal > static_cast<int64_t>(input.scope.columns().size())) {
          return sql::SqlError(context_.sql, expr.location, "ORDER BY position ", ordinal, " is not in select list");
        }
        column = &input.scope.columns()[ordinal - 1];
      } else if (expr.kind == ExprKind::kColumnRef) {
        ARROW_ASSIGN_OR_RAISE(column, input.scope.Find({expr.names.back()}));
      }
      if (!column) {
        return sql::SqlError(context_.sql, expr.location,
                             "ORDER BY on a UNION or VALUES must name an output column or its position");
      }
      bool nulls_first = order.nulls_first.value_or(order.descending);
      sort->keys.emplace_back(arrow::FieldRef(column->field),
                              order.descending ? cp::SortOrder::Descending : cp::SortOrder::Ascending,
                              nulls_first ? cp::NullPlacement::AtStart : cp::NullPlacement::AtEnd);
    }
    sort->schema = input.plan->schema;
    sort->inputs = {input.plan};
    input.plan = sort;
  }
  ARROW_ASSIGN_OR_RAISE(auto bounds, BindLimitAndOffset(query));
  const auto& [count, offset] = bounds;
  if (count || offset > 0) {
    auto limit = std::make_shared<LogicalLimit>();
    limit->count = count;
    limit->offset = offset;
    limit->schema = input.plan->schema;
    limit->inputs = {input.plan};
    input.plan = limit;
  }
  return input;
}

arrow::Result<std::pair<std::optional<int64_t>, int64_t>> Binder::BindLimitAndOffset(const QueryNode& query) {
  std::optional<int64_t> count;
  int64_t offset = 0;
  if (query.limit) {
    ARROW_ASSIGN_OR_RAISE(count, BindConstantInteger(*query.limit, "LIMIT"));
  }
  if (query.offset) {
    ARROW_ASSIGN_OR_RAISE(auto value, BindConstantInteger(*query.offset, "OFFSET"));
    offset = value.value_or(0);
  }
  return std::make_pair(count, offset);
}

arrow::Result<std::optional<int64_t>> Binder::BindConstantInteger(const ParsedExpr& expr, const char* clause) {
  BindScope empty;
  ExpressionBinder binder(context_, empty, clause);
  ARROW_ASSIGN_OR_RAISE(auto value, binder.Bind(expr));
  ARROW_ASSIGN_OR_RAISE(value, binder.CastTo(value, arrow::int64(), expr.location));
  auto scalar = EvaluateConstant(value);
  if (!scalar.ok()) return sql::SqlError(context_.sql, expr.location, "argument of ", clause, " must be a constant");
  if (!(*scalar)->is_valid) return std::nullopt;
  int64_t number = static_cast<const arrow::Int64Scalar&>(**scalar).value;
  if (number < 0) return sql::SqlError(context_.sql, expr.location, clause, " must not be negative");
  return number;
}

arrow::Result<BoundQuery> Binder::BindFrom(const std::vector<sql::TableRefPtr>& from) {
  ARROW_ASSIGN_OR_RAISE(auto result, BindTableRef(*from[0]));
  for (size_t i = 1; i < from.size(); ++i) {
    if (IsLateralSetFunction(*from[i])) {
      ARROW_ASSIGN_OR_RAISE(result, BindSetFunction(std::move(result), *from[i], sql::JoinType::kCross, nullptr));
      continue;
    }
    if (from[i]->kind == TableRefKind::kSubquery && from[i]->lateral) {
      // LATERAL reads the items before it: a join with the subquery decorrelated.
      ARROW_ASSIGN_OR_RAISE(result, BindLateralJoin(std::move(result), *from[i], sql::JoinType::kCross, nullptr));
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(auto next, BindTableRef(*from[i]));
    for (const auto& column : next.scope.columns()) {
      for (const auto& existing : result.scope.columns()) {
        if (!column.table.empty() && existing.table == column.table) {
          return sql::SqlError(context_.sql, from[i]->location, "table name \"", column.table,
                               "\" specified more than once");
        }
      }
    }
    result.plan = MakeJoin(LogicalJoinType::kCross, result.plan, next.plan, {}, {}, std::nullopt);
    for (auto& column : next.scope.columns()) result.scope.mutable_columns().push_back(column);
  }
  return result;
}

arrow::Status Binder::ApplyAlias(BoundQuery* query, const std::string& alias, const std::vector<std::string>& columns,
                                 int location) {
  auto& scope_columns = query->scope.mutable_columns();
  if (columns.size() > scope_columns.size()) {
    return sql::SqlError(context_.sql, location, "table \"", alias, "\" has ", scope_columns.size(),
                         " columns available but ", columns.size(), " columns specified");
  }
  for (size_t i = 0; i < scope_columns.size(); ++i) {
    scope_columns[i].table = alias;
    if (i < columns.size()) scope_columns[i].name = columns[i];
  }
  return arrow::Status::OK();
}

arrow::Result<BoundQuery> Binder::BindTableRef(const TableRef& ref) {
  switch (ref.kind) {
    case TableRefKind::kNamed:
      return BindNamedTable(ref);
    case TableRefKind::kSubquery: {
      ARROW_ASSIGN_OR_RAISE(auto bound, BindQuery(*ref.subquery));
      ARROW_RETURN_NOT_OK(ApplyAlias(&bound, ref.alias, ref.column_aliases, ref.location));
      return bound;
    }
    case TableRefKind::kFunction: {
      if (!IsSetFunction(ref)) return BindTableFunction(ref);
      BoundQuery single_row;  // called once, over a row without columns
      ARROW_ASSIGN_OR_RAISE(single_row.plan, SingleRow(context_));
      return BindSetFunction(std::move(single_row), ref, sql::JoinType::kCross, nullptr);
    }
    case TableRefKind::kJoin:
      return BindJoin(ref);
  }
  return arrow::Status::Invalid("unknown FROM item");
}

arrow::Result<BoundQuery> Binder::BindFileTable(std::shared_ptr<storage::FileTable> table, const std::string& name) {
  auto scan = std::make_shared<LogicalScan>();
  scan->table_name = name;
  arrow::FieldVector fields;
  BoundQuery out;
  for (const auto& field : table->schema()->fields()) {
    std::string unique = context_.NewColumnName(field->name());
    scan->columns.push_back(field->name());
    fields.push_back(arrow::field(unique, field->type()));
    out.scope.mutable_columns().push_back({name, field->name(), unique, field->type(), false});
  }
  scan->source = std::move(table);
  scan->schema = arrow::schema(std::move(fields));
  out.plan = scan;
  return out;
}

arrow::Result<BoundQuery> Binder::BindNamedTable(const TableRef& ref) {
  const std::string& name = ref.names.back();
  const std::string alias = ref.alias.empty() ? name : ref.alias;
  if (ref.names.size() == 1) {
    // WITH names shadow catalog tables; the innermost definition wins.
    for (auto level = ctes_.rbegin(); level != ctes_.rend(); ++level) {
      auto it = level->find(name);
      if (it == level->end()) continue;
      const sql::CommonTableExpr& cte = *it->second.first;
      const size_t position = it->second.second;
      const bool recursive = cte.recursive && QueryReadsTable(*cte.query, cte.name);
      // The definition sees the levels outside its WITH and the definitions before it
      // (and itself, when it is recursive).
      auto saved = ctes_;
      ctes_.erase(ctes_.end() - (level - ctes_.rbegin()), ctes_.end());
      for (auto entry = ctes_.back().begin(); entry != ctes_.back().end();) {
        const bool hidden = recursive ? entry->second.second > position : entry->second.second >= position;
        entry = hidden ? ctes_.back().erase(entry) : std::next(entry);
      }
      auto bound = recursive                  ? BindRecursiveCte(cte, ref.location)
                   : shared_ctes_.count(&cte) ? BindSharedCte(cte)
                                              : BindQuery(*cte.query);
      ctes_ = std::move(saved);
      ARROW_RETURN_NOT_OK(bound.status());
      ARROW_RETURN_NOT_OK(ApplyAlias(&*bound, name, cte.column_aliases, ref.location));
      ARROW_RETURN_NOT_OK(ApplyAlias(&*bound, alias, ref.column_aliases, ref.location));
      return bound;
    }
  }
  std::string schema_name = ref.names.size() >= 2 ? ref.names[ref.names.size() - 2] : context_.default_schema;
  const catalog::Catalog* temporary = context_.temporary_tables;
  std::shared_ptr<const catalog::TableEntry> entry;
  if (temporary && (ref.names.size() == 1 || schema_name == sql::kTemporarySchema)) {
    entry = temporary->FindTable(sql::kTemporarySchema, name);
    if (entry) context_.reads_temporary_table = true;
  }
  if (!entry && schema_name != sql::kTemporarySchema) entry = catalog_.FindTable(schema_name, name);
  if (!entry) {
    return arrow::Status::KeyError("relation \"", name, "\" does not exist",
                                   sql::LocationSuffix(context_.sql, ref.location));
  }
  if (context_.check_table_read && view_depth_ == 0) ARROW_RETURN_NOT_OK(context_.check_table_read(*entry));
  BoundQuery bound;
  if (entry->kind == catalog::TableKind::kView) {
    if (++view_depth_ > kMaxViewDepth) {
      return arrow::Status::Invalid("views nested more than ", kMaxViewDepth, " deep (", name, ")");
    }
    auto view = sql::ParseSingleStatement(entry->view_sql);
    if (!view.ok() || !view->query) {
      return arrow::Status::Invalid("view \"", name, "\" cannot be read: ", view.status().message());
    }
    // The view's own text is what positions in its errors refer to.
    std::string_view outer_sql = context_.sql;
    context_.sql = entry->view_sql;
    auto saved_ctes = std::move(ctes_);
    ctes_.clear();
    auto view_bound = BindQuery(*view->query);
    ctes_ = std::move(saved_ctes);
    context_.sql = outer_sql;
    --view_depth_;
    if (!view_bound.ok()) {
      return view_bound.status().WithMessage("view \"", name, "\" is no longer valid: ", view_bound.status().message());
    }
    bound = std::move(*view_bound);
    std::vector<std::string> column_names;
    for (const auto& field : entry->schema->fields()) column_names.push_back(field->name());
    ARROW_RETURN_NOT_OK(ApplyAlias(&bound, name, column_names, ref.location));
  } else if (entry->kind == catalog::TableKind::kManaged) {
    auto pinned = context_.table_versions.find(entry->location);
    std::shared_ptr<storage::FileTable> files;
    if (pinned != context_.table_versions.end()) {
      files = pinned->second;
    } else {
      auto read =
          context_.read_managed_table
              ? context_.read_managed_table(entry->location)
              : lake::ManagedTables::Instance().Latest(entry->location).Map([](const lake::TableVersion& version) {
                  return version.files;
                });
      if (!read.ok()) return read.status().WithMessage("table \"", name, "\": ", read.status().message());
      files = *read;
    }
    ARROW_ASSIGN_OR_RAISE(bound, BindFileTable(files, name));
  } else {
    storage::FileTableSpec spec{entry->format, entry->location, entry->options, nullptr};
    auto table = storage::FileTable::Open(spec, entry->schema);
    if (!table.ok()) {
      return table.status().WithMessage("table \"", name, "\": ", table.status().message());
    }
    ARROW_ASSIGN_OR_RAISE(bound, BindFileTable(*table, name));
  }
  // A view binds to its query, not to a scan.
  if (bound.plan->kind == LogicalKind::kScan) static_cast<LogicalScan&>(*bound.plan).cached = entry->cached;
  ARROW_RETURN_NOT_OK(ApplyAlias(&bound, alias, ref.column_aliases, ref.location));
  return bound;
}

arrow::Result<BoundQuery> Binder::BindTableFunction(const TableRef& ref) {
  const ParsedExpr& call = *ref.function;
  const std::string name = call.names.back();
  if (name != "read_parquet" && name != "read_csv") {
    return sql::SqlError(context_.sql, call.location, "table function \"", name,
                         "\" does not exist (known: read_parquet, read_csv, generate_series, unnest)");
  }
  storage::FileTableSpec spec;
  spec.format = name == "read_parquet" ? "parquet" : "csv";
  BindScope empty;
  ExpressionBinder binder(context_, empty, "table function arguments");
  for (size_t i = 0; i < call.args.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto value, binder.Bind(*call.args[i]));
    ARROW_ASSIGN_OR_RAISE(auto scalar, EvaluateConstant(value));
    const std::string& arg_name = call.arg_names[i];
    std::string text = scalar->is_valid ? scalar->ToString() : "";
    if (arg_name.empty()) {
      if (i != 0)
        return sql::SqlError(context_.sql, call.args[i]->location, name,
                             " takes one path; options are named (header => true)");
      spec.location = text;
    } else if (spec.format == "csv" && (arg_name == "header" || arg_name == "delimiter")) {
      spec.options[arg_name] = text;
    } else {
      return sql::SqlError(context_.sql, call.args[i]->location, "unknown option \"", arg_name, "\" for ", name);
    }
  }
  if (spec.location.empty()) return sql::SqlError(context_.sql, call.location, name, " needs a path");
  auto table = storage::FileTable::Open(spec);
  if (!table.ok()) return table.status();
  ARROW_ASSIGN_OR_RAISE(auto bound, BindFileTable(*table, name));
  ARROW_RETURN_NOT_OK(ApplyAlias(&bound, ref.alias.empty() ? name : ref.alias, ref.column_aliases, ref.location));
  return bound;
}

arrow::Result<BoundQuery> Binder::BindJoin(const TableRef& ref) {
  if (IsLateralSetFunction(*ref.right)) {
    if (!ref.using_columns.empty() || ref.natural) {
      return sql::SqlError(context_.sql, ref.location, "USING and NATURAL with a function in FROM are not supported");
    }
    ARROW_ASSIGN_OR_RAISE(auto left, BindTableRef(*ref.left));
    ARROW_ASSIGN_OR_RAISE(auto out, BindSetFunction(std::move(left), *ref.right, ref.join_type, ref.condition.get()));
    if (!ref.alias.empty()) ARROW_RETURN_NOT_OK(ApplyAlias(&out, ref.alias, ref.column_aliases, ref.location));
    return out;
  }
  if (ref.right->kind == TableRefKind::kSubquery && ref.right->lateral) {
    if (!ref.using_columns.empty() || ref.natural) {
      return sql::SqlError(context_.sql, ref.location, "USING and NATURAL with LATERAL are not supported");
    }
    ARROW_ASSIGN_OR_RAISE(auto left, BindTableRef(*ref.left));
    ARROW_ASSIGN_OR_RAISE(auto out, BindLateralJoin(std::move(left), *ref.right, ref.join_type, ref.condition.get()));
    if (!ref.alias.empty()) ARROW_RETURN_NOT_OK(ApplyAlias(&out, ref.alias, ref.column_aliases, ref.location));
    return out;
  }
  // The side of an outer join whose rows may be NULL-extended (a recursive reference
  // may not stand there).
  const bool left_nullable = ref.join_type == sql::JoinType::kRight || ref.join_type == sql::JoinType::kFull;
  const bool right_nullable = ref.join_type == sql::JoinType::kLeft || ref.join_type == sql::JoinType::kFull;
  nullable_join_side_depth_ += left_nullable;
  auto left_or = BindTableRef(*ref.left);
  nullable_join_side_depth_ -= left_nullable;
  ARROW_ASSIGN_OR_RAISE(auto left, std::move(left_or));
  nullable_join_side_depth_ += right_nullable;
  auto right_or = BindTableRef(*ref.right);
  nullable_join_side_depth_ -= right_nullable;
  ARROW_ASSIGN_OR_RAISE(auto right, std::move(right_or));
  LogicalJoinType type = ref.join_type == sql::JoinType::kInner   ? LogicalJoinType::kInner
                         : ref.join_type == sql::JoinType::kLeft  ? LogicalJoinType::kLeft
                         : ref.join_type == sql::JoinType::kRight ? LogicalJoinType::kRight
                         : ref.join_type == sql::JoinType::kFull  ? LogicalJoinType::kFull
                                                                  : LogicalJoinType::kCross;
  for (const auto& column : right.scope.columns()) {
    if (!column.table.empty() && left.scope.HasTable(column.table)) {
      return sql::SqlError(context_.sql, ref.right->location, "table name \"", column.table,
                           "\" specified more than once");
    }
  }
  BindScope combined;
  for (const auto& column : left.scope.columns()) combined.mutable_columns().push_back(column);
  for (const auto& column : right.scope.columns()) combined.mutable_columns().push_back(column);

  std::vector<cp::Expression> conjuncts;
  std::vector<std::string> using_columns = ref.using_columns;
  if (ref.natural) {
    for (const auto& l : left.scope.columns()) {
      if (l.hidden) continue;
      for (const auto& r : right.scope.columns()) {
        if (!r.hidden && r.name == l.name) using_columns.push_back(l.name);
      }
    }
  }
  ExpressionBinder binder(context_, combined, "JOIN conditions");
  std::vector<std::pair<std::string, std::string>> using_pairs;
  for (const auto& name : using_columns) {
    ARROW_ASSIGN_OR_RAISE(auto l, left.scope.Find({name}));
    ARROW_ASSIGN_OR_RAISE(auto r, right.scope.Find({name}));
    if (!l || !r) {
      return sql::SqlError(context_.sql, ref.location, "column \"", name,
                           "\" specified in USING clause does not exist in ", l ? "right" : "left", " table");
    }
    using_pairs.emplace_back(l->field, r->field);
    auto column_ref = [](const ScopeColumn* column) {
      auto expr = std::make_shared<ParsedExpr>();
      expr->kind = ExprKind::kColumnRef;
      expr->names = {column->table, column->name};
      return expr;
    };
    // Bind l = r through the same path as ON conditions (type unification included).
    ParsedExpr equality;
    equality.kind = ExprKind::kOperator;
    equality.op = "=";
    equality.location = ref.location;
    auto lref = column_ref(l);
    auto rref = column_ref(r);
    if (l->table == r->table) {
      return sql::SqlError(context_.sql, ref.location, "USING needs distinct table names on both sides");
    }
    equality.args = {lref, rref};
    ARROW_ASSIGN_OR_RAISE(auto bound, binder.BindCondition(equality));
    conjuncts.push_back(bound.expr);
  }
  if (ref.condition) {
    if (const auto* aggregate = FindAggregate(*ref.condition)) {
      return AggregateNotAllowed(context_.sql, *aggregate, "JOIN conditions");
    }
    ARROW_ASSIGN_OR_RAISE(auto condition, binder.BindCondition(*ref.condition));
    for (auto& part : SplitConjunction(condition.expr)) conjuncts.push_back(part);
  }

  ARROW_ASSIGN_OR_RAISE(auto join, MakeJoinOn(type, left.plan, right.plan, conjuncts, context_));

  BoundQuery out;
  out.plan = join;
  out.scope = combined;
  if (!using_pairs.empty()) {
    // USING columns appear once, first: from the side that keeps all rows, or merged
    // with COALESCE for FULL joins.
    std::vector<ScopeColumn> merged;
    std::vector<cp::Expression> projections;
    std::vector<std::string> fields;
    for (const auto& field : join->schema->fields()) {
      projections.push_back(cp::field_ref(field->name()));
      fields.push_back(field->name());
    }
    for (const auto& [lf, rf] : using_pairs) {
      for (auto& column : out.scope.mutable_columns()) {
        if (column.field == lf || column.field == rf) column.hidden = true;
      }
      const ScopeColumn* l = nullptr;
      const ScopeColumn* r = nullptr;
      for (const auto& column : out.scope.columns()) {
        if (column.field == lf) l = &column;
        if (column.field == rf) r = &column;
      }
      ScopeColumn visible = type == LogicalJoinType::kRight ? *r : *l;
      visible.hidden = false;
      visible.table = "";
      if (type == LogicalJoinType::kFull) {
        visible.field = context_.NewColumnName(l->name);
        cp::Expression lref = cp::field_ref(lf), rref = cp::field_ref(rf);
        if (!l->type->Equals(*visible.type) || !r->type->Equals(*visible.type)) {
          ARROW_ASSIGN_OR_RAISE(auto common, CommonType(l->type, r->type));
          visible.type = common;
          lref = cp::call("cast", {lref}, std::make_shared<cp::CastOptions>(cp::CastOptions::Safe(common)));
          rref = cp::call("cast", {rref}, std::make_shared<cp::CastOptions>(cp::CastOptions::Safe(common)));
        }
        projections.push_back(cp::call("coalesce", {lref, rref}));
        fields.push_back(visible.field);
      }
      merged.push_back(visible);
    }
    if (type == LogicalJoinType::kFull) {
      ARROW_ASSIGN_OR_RAISE(out.plan, MakeProject(out.plan, std::move(projections), std::move(fields)));
    }
    for (auto& column : out.scope.columns()) merged.push_back(column);
    out.scope = BindScope(std::move(merged));
  }
  if (!ref.alias.empty()) ARROW_RETURN_NOT_OK(ApplyAlias(&out, ref.alias, ref.column_aliases, ref.location));
  return out;
}

}  // namespace quiver::plan
