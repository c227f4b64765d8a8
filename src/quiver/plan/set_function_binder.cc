// Set-returning functions in FROM: `FROM generate_series(1, 10) AS g(n)`,
// `FROM t, generate_series(t.lo, t.hi) AS g`, `FROM t CROSS JOIN LATERAL unnest(t.tags)
// AS u(tag)`, `LEFT JOIN LATERAL … ON true`, each optionally WITH ORDINALITY. As in
// PostgreSQL, a function call in FROM may read the columns of the items before it
// (LATERAL is implied). Such a call is planned as a LogicalSetFunction over the items
// before it, called once per row of theirs; a call that reads no columns, over a
// single row, is an ordinary FROM item.

#include <arrow/compute/api.h>

#include "quiver/plan/binder.h"
#include "quiver/plan/expression_binder.h"
#include "quiver/plan/plan_builders.h"
#include "quiver/plan/sql_types.h"
#include "quiver/plan/subquery_binder.h"
#include "quiver/sql/source_text.h"

namespace quiver::plan {

namespace {

std::string TypeList(const std::vector<BoundExpression>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + SqlTypeName(*values[i].type);
  return out;
}

bool IsTimestampLike(const arrow::DataType& type) {
  return type.id() == arrow::Type::TIMESTAMP || type.id() == arrow::Type::DATE32;
}

}  // namespace

bool IsSetFunction(const sql::TableRef& ref) {
  if (ref.kind != sql::TableRefKind::kFunction || ref.function->names.size() != 1) return false;
  const std::string& name = ref.function->names[0];
  return name == "generate_series" || name == "unnest";
}

arrow::Result<BoundQuery> Binder::BindSetFunction(BoundQuery left, const sql::TableRef& ref, sql::JoinType join_type,
                                                  const sql::ParsedExpr* condition) {
  const sql::ParsedExpr& call = *ref.function;
  const std::string& name = call.names[0];
  if (join_type == sql::JoinType::kRight || join_type == sql::JoinType::kFull) {
    return sql::SqlError(context_.sql, ref.location,
                         "a function in FROM that reads the columns before it must be joined by INNER or LEFT JOIN");
  }
  for (const auto& arg_name : call.arg_names) {
    if (!arg_name.empty()) return sql::SqlError(context_.sql, call.location, name, " takes no named arguments");
  }
  // Subqueries in the arguments are computed per row of the items before, joined in.
  SubqueryBinder subqueries(*this, context_, left.scope, left.plan);
  ExpressionBinder binder(context_, left.scope, "arguments of a function in FROM");
  binder.set_subquery_resolver(&subqueries);
  std::vector<BoundExpression> arguments;
  for (const auto& arg : call.args) {
    if (const auto* aggregate = FindAggregate(*arg)) {
      return AggregateNotAllowed(context_.sql, *aggregate, "functions in FROM");
    }
    ARROW_ASSIGN_OR_RAISE(auto value, binder.Bind(*arg));
    arguments.push_back(std::move(value));
  }
  ARROW_ASSIGN_OR_RAISE(left.plan, subqueries.Apply(left.plan));

  // The function's columns, and its arguments converted to what it computes with.
  arrow::FieldVector outputs;
  auto no_such_function = [&]() {
    return sql::SqlError(context_.sql, call.location, "function ", name, "(", TypeList(arguments), ") does not exist");
  };
  if (name == "generate_series") {
    if (arguments.size() != 2 && arguments.size() != 3) return no_such_function();
    bool integers = true, timestamps = arguments.size() == 3, any_int64 = false, any_zone_or_date = false;
    for (size_t i = 0; i < arguments.size(); ++i) {
      const auto& value = arguments[i];
      const bool untyped = value.adapts_to_context || value.type->id() == arrow::Type::NA;
      integers = integers && (untyped || IsInteger(*value.type));
      any_int64 = any_int64 || value.type->id() == arrow::Type::INT64 || value.type->id() == arrow::Type::UINT32;
      if (i < 2) {
        timestamps = timestamps && (untyped || IsTimestampLike(*value.type));
        any_zone_or_date = any_zone_or_date || value.type->id() == arrow::Type::DATE32 ||
                           (value.type->id() == arrow::Type::TIMESTAMP &&
                            !static_cast<const arrow::TimestampType&>(*value.type).timezone().empty());
      } else {
        timestamps = timestamps && (untyped || value.type->id() == arrow::Type::INTERVAL_MONTH_DAY_NANO);
      }
    }
    std::shared_ptr<arrow::DataType> type;
    if (integers) {
      // int32 unless an argument is wider; computed as int64.
      type = any_int64 ? arrow::int64() : arrow::int32();
      for (auto& value : arguments) {
        ARROW_ASSIGN_OR_RAISE(value, binder.CastTo(value, arrow::int64(), call.location));
      }
    } else if (timestamps) {
      // As PostgreSQL resolves it: dates and time-zoned values make a timestamptz series.
      type = arrow::timestamp(arrow::TimeUnit::MICRO, any_zone_or_date ? "UTC" : "");
      for (size_t i = 0; i < arguments.size(); ++i) {
        ARROW_ASSIGN_OR_RAISE(
            arguments[i], binder.CastTo(arguments[i], i < 2 ? type : arrow::month_day_nano_interval(), call.location));
      }
    } else {
      return no_such_function();
    }
    outputs.push_back(arrow::field(name, type));
  } else {  // unnest
    if (arguments.empty()) return no_such_function();
    for (const auto& value : arguments) {
      const auto id = value.type->id();
      if (id != arrow::Type::LIST && id != arrow::Type::LARGE_LIST) return no_such_function();
      outputs.push_back(arrow::field(name, static_cast<const arrow::BaseListType&>(*value.type).value_type()));
    }
  }

  // Named as PostgreSQL names them: by the function, or, for one column, by the table
  // alias; column aliases win.
  const std::string table = ref.alias.empty() ? name : ref.alias;
  const size_t named_columns = outputs.size() + (ref.ordinality ? 1 : 0);
  if (ref.column_aliases.size() > named_columns) {
    return sql::SqlError(context_.sql, ref.location, "table \"", table, "\" has ", named_columns,
                         " columns available but ", ref.column_aliases.size(), " columns specified");
  }
  auto node = std::make_shared<LogicalSetFunction>();
  node->function = name;
  for (const auto& value : arguments) node->arguments.push_back(value.expr);
  node->keep_empty = join_type == sql::JoinType::kLeft;
  auto fields = left.plan->schema->fields();
  BoundQuery out;
  out.scope = left.scope;
  for (size_t i = 0; i < named_columns; ++i) {
    const bool ordinality = i == outputs.size();
    std::string column = ordinality ? "ordinality" : outputs[i]->name();
    if (!ordinality && outputs.size() == 1 && !ref.alias.empty()) column = ref.alias;
    if (i < ref.column_aliases.size()) column = ref.column_aliases[i];
    const auto type = ordinality ? arrow::int64() : outputs[i]->type();
    std::string field = context_.NewColumnName(column);
    (ordinality ? node->ordinality : node->outputs.emplace_back()) = field;
    fields.push_back(arrow::field(field, type));
    out.scope.mutable_columns().push_back({table, column, field, type, false});
  }
  for (const auto& column : left.scope.columns()) {
    if (!column.table.empty() && column.table == table) {
      return sql::SqlError(context_.sql, ref.location, "table name \"", table, "\" specified more than once");
    }
  }
  node->schema = arrow::schema(std::move(fields));
  node->inputs = {left.plan};
  out.plan = node;

  if (condition) {
    if (const auto* aggregate = FindAggregate(*condition)) {
      return AggregateNotAllowed(context_.sql, *aggregate, "JOIN conditions");
    }
    ExpressionBinder on_binder(context_, out.scope, "JOIN conditions");
    ARROW_ASSIGN_OR_RAISE(auto on, on_binder.BindCondition(*condition));
    const auto literal = on.expr.literal();
    const bool always = literal && literal->is_scalar() && literal->scalar()->is_valid &&
                        literal->scalar()->Equals(arrow::BooleanScalar(true));
    if (!always && join_type == sql::JoinType::kLeft) {
      return sql::SqlError(context_.sql, condition->location,
                           "a LEFT JOIN with a function in FROM that reads the columns before it supports only ON "
                           "true");
    }
    if (!always) {
      ARROW_ASSIGN_OR_RAISE(out.plan, MakeFilter(out.plan, on.expr));
    }
  }
  return out;
}

}  // namespace quiver::plan
