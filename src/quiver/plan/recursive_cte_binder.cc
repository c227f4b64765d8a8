#include "quiver/plan/recursive_cte_binder.h"

#include <arrow/compute/api.h>

#include "quiver/plan/aggregate_binder.h"
#include "quiver/plan/binder.h"
#include "quiver/plan/expression_binder.h"
#include "quiver/plan/plan_builders.h"
#include "quiver/plan/sql_types.h"
#include "quiver/sql/source_text.h"

namespace quiver::plan {

namespace {

int ExprReferences(const sql::ParsedExpr& expr, const std::string& name);

int TableRefReferences(const sql::TableRef& ref, const std::string& name) {
  switch (ref.kind) {
    case sql::TableRefKind::kNamed:
      return ref.names.size() == 1 && ref.names[0] == name ? 1 : 0;
    case sql::TableRefKind::kSubquery:
      return CountTableReferences(*ref.subquery, name);
    case sql::TableRefKind::kFunction:
      return ref.function ? ExprReferences(*ref.function, name) : 0;
    case sql::TableRefKind::kJoin:
      return TableRefReferences(*ref.left, name) + TableRefReferences(*ref.right, name) +
             (ref.condition ? ExprReferences(*ref.condition, name) : 0);
  }
  return 0;
}

int ExprReferences(const sql::ParsedExpr& expr, const std::string& name) {
  int count = expr.subquery ? CountTableReferences(*expr.subquery, name) : 0;
  for (const auto& arg : expr.args) {
    if (arg) count += ExprReferences(*arg, name);
  }
  for (const auto* child : {expr.case_operand.get(), expr.case_else.get(), expr.filter.get()}) {
    if (child) count += ExprReferences(*child, name);
  }
  return count;
}

bool SelectReadsAggregates(const sql::QueryNode& query) {
  if (query.kind != sql::QueryKind::kSelect) return false;
  if (!query.group_by.empty() || query.having) return true;
  for (const auto& item : query.select_list) {
    if (ContainsAggregate(*item.expr)) return true;
  }
  return false;
}

}  // namespace

int CountTableReferences(const sql::QueryNode& query, const std::string& name) {
  int count = 0;
  for (const auto& cte : query.ctes) count += CountTableReferences(*cte.query, name);
  switch (query.kind) {
    case sql::QueryKind::kSetOperation:
      return count + CountTableReferences(*query.left, name) + CountTableReferences(*query.right, name);
    case sql::QueryKind::kValues:
      for (const auto& row : query.values_rows) {
        for (const auto& value : row) count += ExprReferences(*value, name);
      }
      return count;
    case sql::QueryKind::kSelect:
      break;
  }
  for (const auto& from : query.from) count += TableRefReferences(*from, name);
  std::vector<const sql::ParsedExpr*> exprs = {query.where.get(), query.having.get()};
  for (const auto& item : query.select_list) exprs.push_back(item.expr.get());
  for (const auto& group : query.group_by) exprs.push_back(group.get());
  for (const auto& order : query.order_by) exprs.push_back(order.expr.get());
  for (const auto* expr : exprs) {
    if (expr) count += ExprReferences(*expr, name);
  }
  return count;
}

bool QueryReadsTable(const sql::QueryNode& query, const std::string& name) {
  return CountTableReferences(query, name) > 0;
}

BoundQuery Binder::MaterializedLeaf(const std::shared_ptr<MaterializedTable>& slot, const std::string& table_name,
                                    bool working_table) {
  auto leaf = std::make_shared<LogicalMaterialized>();
  leaf->slot = slot;
  leaf->working_table = working_table;
  arrow::FieldVector fields;
  BoundQuery out;
  for (int i = 0; i < slot->schema->num_fields(); ++i) {
    const auto& field = slot->schema->field(i);
    std::string unique = context_.NewColumnName(field->name());
    leaf->columns.push_back(i);
    fields.push_back(arrow::field(unique, field->type()));
    out.scope.mutable_columns().push_back({table_name, field->name(), unique, field->type(), false});
  }
  leaf->schema = arrow::schema(std::move(fields));
  out.plan = leaf;
  return out;
}

arrow::Result<BoundQuery> Binder::BindRecursiveCte(const sql::CommonTableExpr& cte, int location) {
  const std::string& name = cte.name;
  if (auto found = recursive_ctes_.find(cte.query.get()); found != recursive_ctes_.end()) {
    auto& state = found->second;
    if (!state.binding_recursive_term) return MaterializedLeaf(state.plan->result, name, false);
    // The recursive term reads the rows the previous round added.
    auto refuse = [&](const char* what) {
      return sql::SqlError(context_.sql, location, "recursive reference to query \"", name, "\" must not appear ",
                           what);
    };
    if (++state.references > 1) return refuse("more than once");
    if (expression_subquery_depth_ > state.subquery_depth) return refuse("within a subquery");
    if (nullable_join_side_depth_ > state.nullable_depth) return refuse("within an outer join");
    return MaterializedLeaf(state.plan->working, name, true);
  }

  const sql::QueryNode& query = *cte.query;
  if (query.kind != sql::QueryKind::kSetOperation || query.set_operator != sql::SetOperator::kUnion) {
    return sql::SqlError(context_.sql, cte.location, "recursive query \"", name,
                         "\" does not have the form non-recursive-term UNION [ALL] recursive-term");
  }
  if (QueryReadsTable(*query.left, name)) {
    return sql::SqlError(context_.sql, cte.location, "recursive reference to query \"", name,
                         "\" must not appear within its non-recursive term");
  }
  if (!query.order_by.empty()) return arrow::Status::NotImplemented("ORDER BY in a recursive query is not implemented");
  if (query.limit) return arrow::Status::NotImplemented("LIMIT in a recursive query is not implemented");
  if (query.offset) return arrow::Status::NotImplemented("OFFSET in a recursive query is not implemented");
  if (!query.ctes.empty()) {
    return arrow::Status::NotImplemented("WITH inside a recursive query's own UNION is not supported");
  }
  if (SelectReadsAggregates(*query.right)) {
    return sql::SqlError(context_.sql, cte.location,
                         "aggregate functions are not allowed in a recursive query's recursive term");
  }

  // The non-recursive term fixes the column types (and names, unless aliased).
  ARROW_ASSIGN_OR_RAISE(auto anchor, BindQuery(*query.left));
  const auto& anchor_columns = anchor.scope.columns();
  if (cte.column_aliases.size() > anchor_columns.size()) {
    return sql::SqlError(context_.sql, cte.location, "WITH query \"", name, "\" has ", anchor_columns.size(),
                         " columns available but ", cte.column_aliases.size(), " columns specified");
  }
  arrow::FieldVector slot_fields;
  for (size_t i = 0; i < anchor_columns.size(); ++i) {
    const std::string& column = i < cte.column_aliases.size() ? cte.column_aliases[i] : anchor_columns[i].name;
    slot_fields.push_back(arrow::field(column, anchor_columns[i].type));
  }
  auto slot_schema = arrow::schema(slot_fields);
  auto plan = std::make_shared<RecursiveCtePlan>();
  plan->name = name;
  plan->union_all = query.set_all;
  plan->result = std::make_shared<MaterializedTable>(MaterializedTable{name, slot_schema, nullptr});
  plan->working = std::make_shared<MaterializedTable>(MaterializedTable{name, slot_schema, nullptr});

  auto& state = recursive_ctes_[cte.query.get()];
  state.query = cte.query;
  state.plan = plan;
  state.binding_recursive_term = true;
  state.subquery_depth = expression_subquery_depth_;
  state.nullable_depth = nullable_join_side_depth_;
  auto recursive_or = BindQuery(*query.right);
  state.binding_recursive_term = false;
  ARROW_ASSIGN_OR_RAISE(auto recursive, std::move(recursive_or));
  if (state.references == 0) {
    // The name is shadowed wherever the recursive term uses it: not recursive after all.
    recursive_ctes_.erase(cte.query.get());
    return BindQuery(query);
  }

  const auto& recursive_columns = recursive.scope.columns();
  if (recursive_columns.size() != anchor_columns.size()) {
    return arrow::Status::Invalid("each UNION query must have the same number of columns");
  }
  std::vector<cp::Expression> anchor_exprs, recursive_exprs;
  std::vector<std::string> anchor_names, recursive_names;
  for (size_t i = 0; i < anchor_columns.size(); ++i) {
    const auto& type = anchor_columns[i].type;
    cp::Expression value = cp::field_ref(recursive_columns[i].field);
    const auto& recursive_type = recursive_columns[i].type;
    if (!recursive_type->Equals(*type)) {
      // As in PostgreSQL, the recursive term may not widen a column.
      auto common = CommonType(type, recursive_type);
      if (!common.ok() || !(*common)->Equals(*type)) {
        return sql::SqlError(context_.sql, cte.location, "recursive query \"", name, "\" column ", i + 1, " has type ",
                             SqlTypeName(*type), " in non-recursive term but type ",
                             SqlTypeName(common.ok() ? **common : *recursive_type), " overall");
      }
      value = cp::call("cast", {value}, std::make_shared<cp::CastOptions>(cp::CastOptions::Safe(type)));
    }
    anchor_exprs.push_back(cp::field_ref(anchor_columns[i].field));
    anchor_names.push_back(context_.NewColumnName(slot_fields[i]->name()));
    recursive_exprs.push_back(std::move(value));
    recursive_names.push_back(context_.NewColumnName(slot_fields[i]->name()));
  }
  ARROW_ASSIGN_OR_RAISE(plan->anchor, MakeProject(anchor.plan, std::move(anchor_exprs), std::move(anchor_names)));
  ARROW_ASSIGN_OR_RAISE(plan->recursive,
                        MakeProject(recursive.plan, std::move(recursive_exprs), std::move(recursive_names)));
  context_.recursive_ctes.push_back(plan);
  return MaterializedLeaf(plan->result, name, false);
}

arrow::Result<BoundQuery> Binder::BindSharedCte(const sql::CommonTableExpr& cte) {
  auto& plan = shared_ctes_.at(&cte);
  if (plan) return MaterializedLeaf(plan->result, cte.name, false);
  // Computed before the statement: it sees no outer query's columns.
  auto saved_correlation = std::move(correlation_);
  correlation_.reset();
  auto bound_or = BindQuery(*cte.query);
  correlation_ = std::move(saved_correlation);
  ARROW_ASSIGN_OR_RAISE(auto bound, std::move(bound_or));
  arrow::FieldVector slot_fields;
  std::vector<cp::Expression> columns;
  std::vector<std::string> names;
  for (const auto& column : bound.scope.columns()) {
    slot_fields.push_back(arrow::field(column.name, column.type));
    columns.push_back(cp::field_ref(column.field));
    names.push_back(context_.NewColumnName(column.name));
  }
  auto slot_schema = arrow::schema(slot_fields);
  plan = std::make_shared<RecursiveCtePlan>();
  plan->name = cte.name;
  plan->union_all = true;
  plan->result = std::make_shared<MaterializedTable>(MaterializedTable{cte.name, slot_schema, nullptr});
  ARROW_ASSIGN_OR_RAISE(plan->anchor, MakeProject(bound.plan, std::move(columns), std::move(names)));
  context_.recursive_ctes.push_back(plan);
  return MaterializedLeaf(plan->result, cte.name, false);
}

}  // namespace quiver::plan
