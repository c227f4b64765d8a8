#include "quiver/plan/aggregate_binder.h"

#include <arrow/array/util.h>
#include <arrow/compute/api.h>
#include <arrow/scalar.h>
#include <arrow/table.h>
#include <arrow/type.h>

#include <algorithm>
#include <map>

#include "quiver/common/collect_list_aggregate.h"
#include "quiver/common/list_kernels.h"
#include "quiver/common/sorted_list_kernel.h"
#include "quiver/plan/plan_builders.h"
#include "quiver/plan/sql_types.h"
#include "quiver/sql/source_text.h"

namespace quiver::plan {

namespace {

bool IsStatisticalAggregate(const std::string& name) {
  return name == "stddev" || name == "stddev_samp" || name == "stddev_pop" || name == "variance" ||
         name == "var_samp" || name == "var_pop";
}

}  // namespace

arrow::Result<std::shared_ptr<arrow::DataType>> AggregateResultType(const std::string& function,
                                                                    const std::shared_ptr<arrow::DataType>& input) {
  if (function == "count" || function == "count_all" || function == "count_distinct") return arrow::int64();
  if (function == "list") return arrow::list(input);
  ARROW_ASSIGN_OR_RAISE(auto empty, arrow::MakeEmptyArray(input));
  ARROW_ASSIGN_OR_RAISE(auto result, cp::CallFunction(function, {empty}));
  return result.type()->GetSharedPtr();
}

std::string AggregateBinder::ArgumentColumn(const cp::Expression& expr) {
  for (size_t i = 0; i < argument_exprs_.size(); ++i) {
    if (argument_exprs_[i].Equals(expr)) return argument_names_[i];
  }
  argument_exprs_.push_back(expr);
  argument_names_.push_back(context_.NewColumnName("arg"));
  return argument_names_.back();
}

std::string AggregateBinder::AddCall(AggregateCall call, std::shared_ptr<arrow::DataType> result_type) {
  for (const auto& existing : calls_) {
    bool same_options = existing.options == call.options ||
                        (existing.options && call.options && existing.options->Equals(*call.options));
    if (existing.function == call.function && existing.input == call.input && same_options) return existing.output;
  }
  aggregate_fields_.push_back(arrow::field(call.output, std::move(result_type)));
  calls_.push_back(std::move(call));
  return calls_.back().output;
}

size_t AggregateBinder::AddGroupKey(BoundExpression key, const std::string& name) {
  size_t position = 0;
  while (position < key_exprs_.size() && !key_exprs_[position].expr.Equals(key.expr)) ++position;
  if (position == key_exprs_.size()) {
    key_exprs_.push_back(std::move(key));
    key_names_.push_back(name);
  }
  if (grouping_sets_) {
    for (auto& set : *grouping_sets_) {
      if (std::find(set.begin(), set.end(), position) == set.end()) set.push_back(position);
    }
  }
  return position;
}

ExpressionBinder AggregateBinder::InputBinder(const char* clause) const {
  ExpressionBinder binder(context_, input_scope_, clause);
  binder.set_subquery_resolver(input_subqueries_);
  return binder;
}

std::shared_ptr<arrow::Schema> AggregateBinder::GroupedSchema() const {
  arrow::FieldVector fields;
  for (size_t i = 0; i < key_exprs_.size(); ++i) fields.push_back(arrow::field(key_names_[i], key_exprs_[i].type));
  for (const auto& field : aggregate_fields_) fields.push_back(field);
  return arrow::schema(std::move(fields));
}

arrow::Result<std::optional<size_t>> AggregateBinder::FindGroupKey(const sql::ParsedExpr& expr) const {
  ExpressionBinder plain(context_, input_scope_, "GROUP BY");
  auto bound = plain.Bind(expr);
  if (!bound.ok()) {
    // Report unknown columns as such rather than as "must appear in GROUP BY".
    if (expr.kind == sql::ExprKind::kColumnRef) return bound.status();
    return std::nullopt;
  }
  for (size_t i = 0; i < key_exprs_.size(); ++i) {
    if (key_exprs_[i].expr.Equals(bound->expr)) return i;
  }
  return std::nullopt;
}

arrow::Result<std::optional<BoundExpression>> AggregateBinder::MatchGroupKey(const sql::ParsedExpr& expr) {
  ARROW_ASSIGN_OR_RAISE(auto key, FindGroupKey(expr));
  if (!key) return std::nullopt;
  BoundExpression ref;
  ref.type = key_exprs_[*key].type;
  ARROW_ASSIGN_OR_RAISE(ref.expr, cp::field_ref(key_names_[*key]).Bind(*GroupedSchema()));
  return ref;
}

arrow::Result<BoundExpression> AggregateBinder::BindGrouping(const sql::ParsedExpr& call) {
  // The mask is an int, so PostgreSQL allows at most 31 arguments.
  if (call.args.size() > 31) {
    return sql::SqlError(context_.sql, call.location, "GROUPING must have fewer than 32 arguments");
  }
  std::vector<size_t> keys;
  for (const auto& arg : call.args) {
    auto key = FindGroupKey(*arg);
    if (!key.ok() || !*key) {
      return sql::SqlError(context_.sql, arg->location,
                           "arguments to GROUPING must be grouping expressions of the associated query level");
    }
    keys.push_back(**key);
  }
  std::string output;
  for (const auto& [name, column_keys] : grouping_columns_) {
    if (column_keys == keys) output = name;
  }
  if (output.empty()) {
    output = context_.NewColumnName("grouping");
    grouping_columns_[output] = keys;
    aggregate_fields_.push_back(arrow::field(output, arrow::int32()));
  }
  BoundExpression ref;
  ref.type = arrow::int32();
  ARROW_ASSIGN_OR_RAISE(ref.expr, cp::field_ref(output).Bind(*GroupedSchema()));
  return ref;
}

arrow::Result<std::optional<BoundExpression>> AggregateBinder::BindFilter(const sql::ParsedExpr& call) {
  if (!call.filter) return std::nullopt;
  if (const auto* nested = FindAggregate(*call.filter)) return AggregateNotAllowed(context_.sql, *nested, "FILTER");
  ExpressionBinder filter_binder = InputBinder("FILTER");
  return filter_binder.BindCondition(*call.filter);
}

arrow::Result<BoundExpression> AggregateBinder::ApplyFilter(const std::optional<BoundExpression>& filter,
                                                            BoundExpression value, int location) {
  // FILTER (WHERE c): the aggregate sees NULL for rows where c is not true, which every
  // aggregate skips.
  if (!filter) return value;
  ExpressionBinder binder = InputBinder("FILTER");
  return binder.Call("if_else", {*filter, value, MakeLiteral(arrow::MakeNullScalar(value.type))}, nullptr, "FILTER",
                     location);
}

arrow::Result<BoundExpression> AggregateBinder::AddListAggregate(const BoundExpression& argument,
                                                                 const std::string& name) {
  AggregateCall aggregate;
  aggregate.function = "list";
  aggregate.input = ArgumentColumn(argument.expr);
  aggregate.output = context_.NewColumnName(name);
  auto type = arrow::list(argument.type);
  const std::string output = AddCall(std::move(aggregate), type);
  BoundExpression ref;
  ref.type = type;
  ARROW_ASSIGN_OR_RAISE(ref.expr, cp::field_ref(output).Bind(*GroupedSchema()));
  return ref;
}

arrow::Result<std::vector<BoundExpression>> AggregateBinder::CollectSortKeys(
    const sql::ParsedExpr& call, std::shared_ptr<cp::SortOptions>* sort_options) {
  ExpressionBinder binder = InputBinder("ORDER BY in an aggregate");
  std::vector<BoundExpression> lists;
  std::vector<cp::SortKey> keys;
  for (const auto& item : call.aggregate_order) {
    if (ContainsAggregate(*item->expr)) {
      return sql::SqlError(context_.sql, item->expr->location, "aggregate function calls cannot be nested");
    }
    ARROW_ASSIGN_OR_RAISE(auto key, binder.Bind(*item->expr));
    ARROW_ASSIGN_OR_RAISE(auto list, AddListAggregate(key, call.names[0] + "_key"));
    lists.push_back(std::move(list));
    // PostgreSQL's default: NULLs sort as if larger than every value.
    const bool nulls_first = item->nulls_first.value_or(item->descending);
    keys.emplace_back("key" + std::to_string(keys.size()),
                      item->descending ? cp::SortOrder::Descending : cp::SortOrder::Ascending,
                      nulls_first ? cp::NullPlacement::AtStart : cp::NullPlacement::AtEnd);
  }
  *sort_options = std::make_shared<cp::SortOptions>(std::move(keys));
  return lists;
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
  std::shared_ptr<cp::SortOptions> sort_options;  // set for f(x ORDER BY …)
  std::vector<BoundExpression> sort_key_lists;    // the group's keys, beside its values

  if (call.star && filter) {
    // count(*) FILTER (…) counts the rows where the condition holds.
    if (name != "count") return sql::SqlError(context_.sql, call.location, name, "(*) is not a function");
    ARROW_ASSIGN_OR_RAISE(auto marker, filtered(MakeLiteral(std::make_shared<arrow::BooleanScalar>(true))));
    aggregate.function = "count";
    aggregate.input = ArgumentColumn(marker.expr);
    input_type = marker.type;
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
    ExpressionBinder argument_binder = InputBinder("aggregate function arguments");
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
    if ((name == "avg" || name == "mean") && !arrow::is_decimal(argument.type->id())) {
      // Averages are double precision. Decimals are summed exactly and divided after
      // grouping (below); other types are summed as doubles, which cannot overflow.
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
    if (!call.aggregate_order.empty() && (name == "string_agg" || name == "array_agg")) {
      // f(x ORDER BY k…): each group's keys are collected beside its values, and the
      // values sorted by them at the end. The other aggregates give the same result in
      // any order; theirs is ignored.
      ARROW_ASSIGN_OR_RAISE(sort_key_lists, CollectSortKeys(call, &sort_options));
    }
    static const std::map<std::string, std::string> kArrowNames = {
        {"avg", "sum"},           {"mean", "sum"},          {"bool_and", "all"},       {"every", "all"},
        {"bool_or", "any"},       {"stddev", "stddev"},     {"stddev_samp", "stddev"}, {"stddev_pop", "stddev"},
        {"variance", "variance"}, {"var_samp", "variance"}, {"var_pop", "variance"},   {"string_agg", "list"},
        {"array_agg", "list"}};
    auto arrow_name = kArrowNames.find(name);
    aggregate.function = call.distinct ? "count_distinct" : arrow_name != kArrowNames.end() ? arrow_name->second : name;
    aggregate.input = ArgumentColumn(argument.expr);
    input_type = argument.type;
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
  const std::string input_column = aggregate.input;
  const std::string output = AddCall(std::move(aggregate), result_type);

  BoundExpression ref;
  ref.type = result_type;
  ARROW_ASSIGN_OR_RAISE(ref.expr, cp::field_ref(output).Bind(*GroupedSchema()));
  if (sort_options) {
    ExpressionBinder after(context_, input_scope_, name, this);
    std::vector<BoundExpression> lists = {ref};
    lists.insert(lists.end(), sort_key_lists.begin(), sort_key_lists.end());
    ARROW_ASSIGN_OR_RAISE(ref, after.Call(kSortListByFunction, std::move(lists), sort_options, name, call.location));
  }
  if (name == "avg" || name == "mean") {
    // avg = sum / count of the values summed; over no values the sum is NULL, and so
    // is the average.
    AggregateCall count{"count", input_column, std::make_shared<cp::CountOptions>(cp::CountOptions::ONLY_VALID),
                        context_.NewColumnName("count")};
    BoundExpression count_ref;
    count_ref.type = arrow::int64();
    ARROW_ASSIGN_OR_RAISE(count_ref.expr,
                          cp::field_ref(AddCall(std::move(count), arrow::int64())).Bind(*GroupedSchema()));
    ExpressionBinder after(context_, input_scope_, name, this);
    ARROW_ASSIGN_OR_RAISE(auto sum, after.CastTo(ref, arrow::float64(), call.location));
    ARROW_ASSIGN_OR_RAISE(auto values, after.CastTo(count_ref, arrow::float64(), call.location));
    ARROW_ASSIGN_OR_RAISE(ref, after.Call("divide", {sum, values}, nullptr, name, call.location));
  }
  if (name == "string_agg") {
    // The group's values were collected as a list; join those that are not NULL.
    ExpressionBinder after(context_, input_scope_, name, this);
    ARROW_ASSIGN_OR_RAISE(
        ref, after.Call(kJoinNonNullFunction, {ref, MakeLiteral(constants[0])}, nullptr, name, call.location));
  }
  return ref;
}

arrow::Result<LogicalPlanPtr> AggregateBinder::MakeAggregate(LogicalPlanPtr input,
                                                             const std::vector<size_t>& keys) const {
  auto aggregate = std::make_shared<LogicalAggregate>();
  arrow::FieldVector fields;
  for (size_t key : keys) {
    aggregate->keys.push_back(key_names_[key]);
    fields.push_back(arrow::field(key_names_[key], key_exprs_[key].type));
  }
  aggregate->aggregates = calls_;
  for (const auto& field : aggregate_fields_) {
    if (!grouping_columns_.count(field->name())) fields.push_back(field);
  }
  if (keys.empty()) {
    // Arrow's list aggregate is grouped only; without groups Quiver's own collects the
    // values (and gives one row, with a NULL list, over no rows, as SQL requires).
    for (auto& call : aggregate->aggregates) {
      if (call.function == "list") call.function = kCollectListFunction;
    }
  }
  aggregate->schema = arrow::schema(std::move(fields));
  aggregate->inputs = {std::move(input)};
  return aggregate;
}

arrow::Result<LogicalPlanPtr> AggregateBinder::BuildGroupingSet(LogicalPlanPtr input, const std::vector<size_t>& set,
                                                                bool first) const {
  ARROW_ASSIGN_OR_RAISE(auto aggregate, MakeAggregate(std::move(input), set));
  auto in_set = [&](size_t key) { return std::find(set.begin(), set.end(), key) != set.end(); };
  std::vector<cp::Expression> columns;
  for (size_t key = 0; key < key_exprs_.size(); ++key) {
    // A key the set leaves out is NULL; only grouping() tells it from a NULL value.
    columns.push_back(in_set(key) ? cp::field_ref(key_names_[key])
                                  : cp::literal(arrow::MakeNullScalar(key_exprs_[key].type)));
  }
  for (const auto& field : aggregate_fields_) {
    auto grouping = grouping_columns_.find(field->name());
    if (grouping == grouping_columns_.end()) {
      columns.push_back(cp::field_ref(field->name()));
      continue;
    }
    int32_t mask = 0;
    for (size_t key : grouping->second) mask = (mask << 1) | (in_set(key) ? 0 : 1);
    columns.push_back(cp::literal(mask));
  }
  // The first set's columns carry the grouped schema's names, which the union keeps.
  std::vector<std::string> names;
  const auto grouped = GroupedSchema();
  for (const auto& field : grouped->fields()) {
    names.push_back(first ? field->name() : context_.NewColumnName(field->name().substr(0, field->name().find('#'))));
  }
  return MakeProject(aggregate, std::move(columns), std::move(names));
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
  std::vector<size_t> all_keys;
  for (size_t i = 0; i < key_exprs_.size(); ++i) all_keys.push_back(i);
  if (!grouping_sets_ && grouping_columns_.empty()) return MakeAggregate(std::move(pre), all_keys);

  const std::vector<std::vector<size_t>> sets =
      grouping_sets_ ? *grouping_sets_ : std::vector<std::vector<size_t>>{all_keys};
  auto combined = std::make_shared<LogicalUnion>();
  for (size_t i = 0; i < sets.size(); ++i) {
    // Each set aggregates its own copy of the input: the input is computed once per set.
    ARROW_ASSIGN_OR_RAISE(auto branch, BuildGroupingSet(i == 0 ? pre : ClonePlan(pre), sets[i], i == 0));
    combined->inputs.push_back(std::move(branch));
  }
  if (combined->inputs.size() == 1) return combined->inputs[0];
  combined->schema = combined->inputs[0]->schema;
  return combined;
}

}  // namespace quiver::plan
