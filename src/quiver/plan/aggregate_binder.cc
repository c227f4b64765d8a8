#include "quiver/plan/aggregate_binder.h"

#include <arrow/array/util.h>
#include <arrow/compute/api.h>
#include <arrow/type.h>

#include <algorithm>
#include <map>

#include "quiver/common/collect_list_aggregate.h"
#include "quiver/common/list_kernels.h"
#include "quiver/plan/plan_builders.h"
#include "quiver/plan/sql_types.h"
#include "quiver/sql/source_text.h"

namespace quiver::plan {

namespace {

// The type Arrow's aggregate kernel produces for an input type, so expressions over
// the aggregate's output are bound against what execution will really deliver. The
// scalar and grouped kernels agree on result types; the scalar one is asked, over an
// empty input, because resolving a grouped kernel's type needs its running state.
arrow::Result<std::shared_ptr<arrow::DataType>> AggregateResultType(const std::string& function,
                                                                    const std::shared_ptr<arrow::DataType>& input) {
  if (function == "count" || function == "count_all" || function == "count_distinct") return arrow::int64();
  if (function == "list") return arrow::list(input);
  ARROW_ASSIGN_OR_RAISE(auto empty, arrow::MakeEmptyArray(input));
  ARROW_ASSIGN_OR_RAISE(auto result, cp::CallFunction(function, {empty}));
  return result.type()->GetSharedPtr();
}

bool IsStatisticalAggregate(const std::string& name) {
  return name == "stddev" || name == "stddev_samp" || name == "stddev_pop" || name == "variance" ||
         name == "var_samp" || name == "var_pop";
}

}  // namespace

arrow::Status AggregateBinder::AddGroupKey(BoundExpression key, const std::string& name) {
  key_exprs_.push_back(std::move(key));
  key_names_.push_back(name);
  return arrow::Status::OK();
}

std::shared_ptr<arrow::Schema> AggregateBinder::GroupedSchema() const {
  arrow::FieldVector fields;
  for (size_t i = 0; i < key_exprs_.size(); ++i) fields.push_back(arrow::field(key_names_[i], key_exprs_[i].type));
  for (const auto& field : aggregate_fields_) fields.push_back(field);
  return arrow::schema(std::move(fields));
}

arrow::Result<std::optional<BoundExpression>> AggregateBinder::MatchGroupKey(const sql::ParsedExpr& expr) {
  ExpressionBinder plain(context_, input_scope_, "GROUP BY");
  auto bound = plain.Bind(expr);
  if (!bound.ok()) {
    // Report unknown columns as such rather than as "must appear in GROUP BY".
    if (expr.kind == sql::ExprKind::kColumnRef) return bound.status();
    return std::nullopt;
  }
  for (size_t i = 0; i < key_exprs_.size(); ++i) {
    if (key_exprs_[i].expr.Equals(bound->expr)) {
      BoundExpression ref;
      ref.type = key_exprs_[i].type;
      ARROW_ASSIGN_OR_RAISE(ref.expr, cp::field_ref(key_names_[i]).Bind(*GroupedSchema()));
      return ref;
    }
  }
  return std::nullopt;
}

arrow::Result<std::optional<BoundExpression>> AggregateBinder::BindFilter(const sql::ParsedExpr& call) {
  if (!call.filter) return std::nullopt;
  if (ContainsAggregate(*call.filter)) {
    return sql::SqlError(context_.sql, call.filter->location, "aggregate functions are not allowed in FILTER");
  }
  ExpressionBinder filter_binder(context_, input_scope_, "FILTER");
  return filter_binder.BindCondition(*call.filter);
}

arrow::Result<BoundExpression> AggregateBinder::ApplyFilter(const std::optional<BoundExpression>& filter,
                                                            BoundExpression value, int location) {
  // FILTER (WHERE c): the aggregate sees NULL for rows where c is not true, which every
  // aggregate skips.
  if (!filter) return value;
  ExpressionBinder binder(context_, input_scope_, "FILTER");
  return binder.Call("if_else", {*filter, value, MakeLiteral(arrow::MakeNullScalar(value.type))}, nullptr, "FILTER",
                     location);
}

arrow::Result<BoundExpression> AggregateBinder::AddListAggregate(const BoundExpression& argument,
                                                                 const std::string& name) {
  AggregateCall aggregate;
  aggregate.function = "list";
  aggregate.input = context_.NewColumnName("arg");
  aggregate.output = context_.NewColumnName(name);
  argument_exprs_.push_back(argument.expr);
  argument_names_.push_back(aggregate.input);
  auto type = arrow::list(argument.type);
  aggregate_fields_.push_back(arrow::field(aggregate.output, type));
  calls_.push_back(std::move(aggregate));
  BoundExpression ref;
  ref.type = type;
  ARROW_ASSIGN_OR_RAISE(ref.expr, cp::field_ref(calls_.back().output).Bind(*GroupedSchema()));
  return ref;
}

arrow::Result<BoundExpression> AggregateBinder::BindAggregate(const sql::ParsedExpr& call) {
  const std::string& name = call.names[0];
  AggregateCall aggregate;
  aggregate.output = context_.NewColumnName(name);
  std::shared_ptr<arrow::DataType> input_type;

  if (IsOrderedSetAggregate(name) || !call.within_group.empty()) return BindOrderedSetAggregate(call);
  ARROW_ASSIGN_OR_RAISE(auto filter, BindFilter(call));
  auto filtered = [&](BoundExpression value) { return ApplyFilter(filter, std::move(value), call.location); };
  // Extra arguments after the first (string_agg's separator) must be constants.
  std::vector<std::shared_ptr<arrow::Scalar>> constants;

  if (call.star && filter) {
    // count(*) FILTER (…) counts the rows where the condition holds.
    if (name != "count") return sql::SqlError(context_.sql, call.location, name, "(*) is not a function");
    ARROW_ASSIGN_OR_RAISE(auto marker, filtered(MakeLiteral(std::make_shared<arrow::BooleanScalar>(true))));
    aggregate.function = "count";
    aggregate.input = context_.NewColumnName("arg");
    input_type = marker.type;
    argument_exprs_.push_back(marker.expr);
    argument_names_.push_back(aggregate.input);
  } else if (call.star) {
    if (name != "count") return sql::SqlError(context_.sql, call.location, name, "(*) is not a function");
    aggregate.function = "count_all";
  } else {
    const size_t arity = name == "string_agg" ? 2 : 1;
    if (call.args.size() != arity) {
      return sql::SqlError(context_.sql, call.location, "function ", name, " takes exactly ", arity,
                           arity == 1 ? " argument" : " arguments");
    }
    for (size_t i = 1; i < call.args.size(); ++i) {
      BindScope empty;
      ExpressionBinder constant_binder(context_, empty, "aggregate function arguments");
      ARROW_ASSIGN_OR_RAISE(auto constant, constant_binder.Bind(*call.args[i]));
      ARROW_ASSIGN_OR_RAISE(constant, constant_binder.CastTo(constant, arrow::utf8(), call.args[i]->location));
      auto scalar = LiteralValue(constant);
      if (!scalar) {
        return sql::SqlError(context_.sql, call.args[i]->location, "argument ", i + 1, " of ", name,
                             " must be a constant");
      }
      constants.push_back(scalar);
    }
    if (ContainsAggregate(*call.args[0])) {
      return sql::SqlError(context_.sql, call.location, "aggregate function calls cannot be nested");
    }
    ExpressionBinder argument_binder(context_, input_scope_, "aggregate function arguments");
    ARROW_ASSIGN_OR_RAISE(auto argument, argument_binder.Bind(*call.args[0]));
    if (argument.adapts_to_context) {
      // A quoted literal is a number to sums and averages, and text otherwise.
      const bool numeric = name == "sum" || name == "avg" || name == "mean";
      ARROW_ASSIGN_OR_RAISE(
          argument, argument_binder.CastTo(argument, numeric ? arrow::float64() : arrow::utf8(), call.location));
    }
    if (name == "sum" || name == "avg" || name == "mean") {
      if (!IsNumeric(*argument.type) && argument.type->id() != arrow::Type::NA) {
        return sql::SqlError(context_.sql, call.location, "function ", name, "(", SqlTypeName(*argument.type),
                             ") does not exist");
      }
    }
    if (name == "avg" || name == "mean") {
      // Averages are double precision (exact decimal means would need a wider type).
      ARROW_ASSIGN_OR_RAISE(argument, argument_binder.CastTo(argument, arrow::float64(), call.location));
    }
    if (call.distinct && name != "count") {
      return sql::SqlError(context_.sql, call.location, "DISTINCT is supported only in count() in this version");
    }
    if ((name == "bool_and" || name == "bool_or" || name == "every") && argument.type->id() != arrow::Type::BOOL) {
      return sql::SqlError(context_.sql, call.location, "function ", name, "(", SqlTypeName(*argument.type),
                           ") does not exist");
    }
    if (IsStatisticalAggregate(name)) {
      if (!IsNumeric(*argument.type)) {
        return sql::SqlError(context_.sql, call.location, "function ", name, "(", SqlTypeName(*argument.type),
                             ") does not exist");
      }
      ARROW_ASSIGN_OR_RAISE(argument, argument_binder.CastTo(argument, arrow::float64(), call.location));
    }
    if (name == "string_agg" && !IsString(*argument.type)) {
      ARROW_ASSIGN_OR_RAISE(argument, argument_binder.CastTo(argument, arrow::utf8(), call.location));
    }
    if (name == "array_agg" && filter) {
      return sql::SqlError(context_.sql, call.location, "FILTER on array_agg is not supported");
    }
    ARROW_ASSIGN_OR_RAISE(argument, filtered(std::move(argument)));
    static const std::map<std::string, std::string> kArrowNames = {
        {"avg", "mean"},          {"bool_and", "all"},       {"every", "all"},         {"bool_or", "any"},
        {"stddev", "stddev"},     {"stddev_samp", "stddev"}, {"stddev_pop", "stddev"}, {"variance", "variance"},
        {"var_samp", "variance"}, {"var_pop", "variance"},   {"string_agg", "list"},   {"array_agg", "list"}};
    auto arrow_name = kArrowNames.find(name);
    aggregate.function = call.distinct ? "count_distinct" : arrow_name != kArrowNames.end() ? arrow_name->second : name;
    aggregate.input = context_.NewColumnName("arg");
    input_type = argument.type;
    argument_exprs_.push_back(argument.expr);
    argument_names_.push_back(aggregate.input);
  }

  if (aggregate.function == "count" || aggregate.function == "count_distinct") {
    aggregate.options = std::make_shared<cp::CountOptions>(cp::CountOptions::ONLY_VALID);
  } else if (aggregate.function == "count_all") {
    aggregate.options = nullptr;
  } else if (aggregate.function == "stddev" || aggregate.function == "variance") {
    // The _pop forms divide by n, the others (the sample forms) by n - 1.
    const bool population = name == "stddev_pop" || name == "var_pop";
    aggregate.options = std::make_shared<cp::VarianceOptions>(population ? 0 : 1, /*skip_nulls=*/true, /*min_count=*/0);
  } else if (aggregate.function == "list") {
    aggregate.options = nullptr;
  } else {
    // SQL: aggregates skip NULLs, and are NULL over no values (min_count = 1).
    aggregate.options = std::make_shared<cp::ScalarAggregateOptions>(/*skip_nulls=*/true, /*min_count=*/1);
  }
  std::shared_ptr<arrow::DataType> result_type;
  if (input_type && input_type->id() == arrow::Type::NA) {
    result_type = aggregate.function.rfind("count", 0) == 0 ? arrow::int64() : arrow::null();
  } else {
    auto resolved = AggregateResultType(aggregate.function, input_type ? input_type : arrow::null());
    if (!resolved.ok()) {
      return sql::SqlError(context_.sql, call.location, "function ", name, "(",
                           input_type ? SqlTypeName(*input_type) : "*", ") does not exist");
    }
    result_type = *resolved;
  }
  aggregate_fields_.push_back(arrow::field(aggregate.output, result_type));
  calls_.push_back(aggregate);

  BoundExpression ref;
  ref.type = result_type;
  ARROW_ASSIGN_OR_RAISE(ref.expr, cp::field_ref(aggregate.output).Bind(*GroupedSchema()));
  if (name == "string_agg") {
    // The group's values were collected as a list; join those that are not NULL.
    ExpressionBinder after(context_, input_scope_, name, this);
    ARROW_ASSIGN_OR_RAISE(
        ref, after.Call(kJoinNonNullFunction, {ref, MakeLiteral(constants[0])}, nullptr, name, call.location));
  }
  return ref;
}

arrow::Result<LogicalPlanPtr> AggregateBinder::BuildPlan(LogicalPlanPtr input) const {
  std::vector<cp::Expression> expressions;
  std::vector<std::string> names;
  for (size_t i = 0; i < key_exprs_.size(); ++i) {
    expressions.push_back(key_exprs_[i].expr);
    names.push_back(key_names_[i]);
  }
  for (size_t i = 0; i < argument_exprs_.size(); ++i) {
    expressions.push_back(argument_exprs_[i]);
    names.push_back(argument_names_[i]);
  }
  LogicalPlanPtr pre = input;
  if (!expressions.empty()) {
    ARROW_ASSIGN_OR_RAISE(pre, MakeProject(input, std::move(expressions), std::move(names)));
  }
  auto aggregate = std::make_shared<LogicalAggregate>();
  aggregate->keys = key_names_;
  aggregate->aggregates = calls_;
  aggregate->schema = GroupedSchema();
  if (key_names_.empty()) {
    // Arrow's list aggregate is grouped only; without groups Quiver's own collects the
    // values (and gives one row, with a NULL list, over no rows, as SQL requires).
    for (auto& call : aggregate->aggregates) {
      if (call.function == "list") call.function = kCollectListFunction;
    }
  }
  aggregate->inputs = {std::move(pre)};
  return aggregate;
}

}  // namespace quiver::plan
