#include "quiver/plan/window_binder.h"

#include <arrow/array/util.h>
#include <arrow/compute/api.h>
#include <arrow/scalar.h>

#include <set>

#include "quiver/plan/aggregate_binder.h"
#include "quiver/plan/plan_builders.h"
#include "quiver/plan/sql_types.h"
#include "quiver/sql/source_text.h"

namespace quiver::plan {

using sql::ParsedExpr;

namespace {

const std::set<std::string>& RankingFunctions() {
  static const std::set<std::string> kNames = {"row_number",   "rank",      "dense_rank",
                                               "percent_rank", "cume_dist", "ntile"};
  return kNames;
}

const std::set<std::string>& ValueFunctions() {
  static const std::set<std::string> kNames = {"lag", "lead", "first_value", "last_value", "nth_value"};
  return kNames;
}

WindowBound ToBound(sql::FrameBound::Kind kind) {
  switch (kind) {
    case sql::FrameBound::kUnboundedPreceding:
      return {WindowBound::kUnboundedPreceding, nullptr};
    case sql::FrameBound::kPreceding:
      return {WindowBound::kPreceding, nullptr};
    case sql::FrameBound::kCurrentRow:
      return {WindowBound::kCurrentRow, nullptr};
    case sql::FrameBound::kFollowing:
      return {WindowBound::kFollowing, nullptr};
    default:
      return {WindowBound::kUnboundedFollowing, nullptr};
  }
}

std::string KeySignature(const std::vector<std::string>& partition_by, const std::vector<cp::SortKey>& order_by) {
  std::string out;
  for (const auto& p : partition_by) out += p + ",";
  out += "|";
  for (const auto& k : order_by) out += k.ToString() + ",";
  return out;
}

}  // namespace

arrow::Result<sql::WindowSpec> WindowBinder::Resolve(const sql::WindowSpec& spec, int location) const {
  if (spec.base.empty()) return spec;
  const sql::WindowSpec* base = nullptr;
  for (const auto& [name, window] : named_windows_) {
    if (name == spec.base) base = &window;
  }
  if (!base) return sql::SqlError(context_.sql, location, "window \"", spec.base, "\" does not exist");
  ARROW_ASSIGN_OR_RAISE(sql::WindowSpec resolved, Resolve(*base, location));
  if (!spec.partition_by.empty()) {
    return sql::SqlError(context_.sql, location, "cannot override PARTITION BY clause of window \"", spec.base, "\"");
  }
  if (!spec.order_by.empty()) {
    if (!resolved.order_by.empty()) {
      return sql::SqlError(context_.sql, location, "cannot override ORDER BY clause of window \"", spec.base, "\"");
    }
    resolved.order_by = spec.order_by;
  }
  if (spec.has_frame) {
    resolved.has_frame = true;
    resolved.units = spec.units;
    resolved.start = spec.start;
    resolved.end = spec.end;
  }
  return resolved;
}

std::string WindowBinder::Column(const BoundExpression& value) {
  for (size_t i = 0; i < computed_.size(); ++i) {
    if (computed_[i].expr.Equals(value.expr)) return computed_names_[i];
  }
  computed_.push_back(value);
  computed_names_.push_back(context_.NewColumnName("w"));
  return computed_names_.back();
}

arrow::Result<std::shared_ptr<arrow::Scalar>> WindowBinder::Constant(const ParsedExpr& expr, ExpressionBinder& binder,
                                                                     const std::shared_ptr<arrow::DataType>& type) {
  ARROW_ASSIGN_OR_RAISE(auto value, binder.Bind(expr));
  if (type) {
    ARROW_ASSIGN_OR_RAISE(value, binder.CastTo(value, type, expr.location));
  }
  auto scalar = LiteralValue(value);
  if (!scalar) return sql::SqlError(context_.sql, expr.location, "window function arguments here must be constants");
  return scalar;
}

arrow::Result<BoundExpression> WindowBinder::BindWindow(const ParsedExpr& call, ExpressionBinder& binder) {
  const std::string name = call.names.back();
  const bool ranking = RankingFunctions().count(name) > 0;
  const bool value_function = ValueFunctions().count(name) > 0;
  const bool aggregate = name == "sum" || name == "avg" || name == "min" || name == "max" || name == "count";
  if (!call.within_group.empty() || (IsOrderedSetAggregate(name) && name != "median")) {
    return sql::SqlError(context_.sql, call.location, "OVER is not supported for ordered-set aggregate ", name);
  }
  if (!ranking && !value_function && !aggregate) {
    return sql::SqlError(context_.sql, call.location, "function ", name, " is not a window function");
  }
  if (!call.aggregate_order.empty()) {
    return sql::SqlError(context_.sql, call.location,
                         "ORDER BY inside a window aggregate is not supported; the window's ORDER BY orders its rows");
  }
  if (call.distinct)
    return sql::SqlError(context_.sql, call.location, "DISTINCT is not implemented for window functions");
  if (call.filter) return sql::SqlError(context_.sql, call.location, "FILTER is not implemented for window functions");
  for (const auto& arg : call.args) {
    if (ContainsWindow(*arg)) {
      return sql::SqlError(context_.sql, arg->location, "window function calls cannot be nested");
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto spec, Resolve(*call.window, call.location));

  WindowFunctionCall window_call;
  window_call.function = call.star ? "count_all" : name;
  window_call.output = context_.NewColumnName(name);
  std::vector<std::shared_ptr<arrow::DataType>> argument_types;
  auto bind_column = [&](const ParsedExpr& expr) -> arrow::Result<std::shared_ptr<arrow::DataType>> {
    ARROW_ASSIGN_OR_RAISE(auto value, binder.Bind(expr));
    if (value.adapts_to_context) {
      // An untyped literal is a number for sum and avg and text elsewhere (min('x') is
      // a string, as in PostgreSQL).
      const bool numeric = aggregate && (name == "sum" || name == "avg");
      ARROW_ASSIGN_OR_RAISE(value, binder.CastTo(value, numeric ? arrow::float64() : arrow::utf8(), expr.location));
    }
    if (name == "avg") {
      ARROW_ASSIGN_OR_RAISE(value, binder.CastTo(value, arrow::float64(), expr.location));
    }
    window_call.arguments.push_back(Column(value));
    return value.type;
  };

  auto expect = [&](size_t min, size_t max) -> arrow::Status {
    if (call.args.size() < min || call.args.size() > max) {
      return sql::SqlError(context_.sql, call.location, "function ", name, " takes ", min, min == max ? "" : " or more",
                           " arguments");
    }
    return arrow::Status::OK();
  };
  std::shared_ptr<arrow::DataType> result_type;
  if (name == "row_number" || name == "rank" || name == "dense_rank") {
    ARROW_RETURN_NOT_OK(expect(0, 0));
    result_type = arrow::int64();
  } else if (name == "percent_rank" || name == "cume_dist") {
    ARROW_RETURN_NOT_OK(expect(0, 0));
    result_type = arrow::float64();
  } else if (name == "ntile") {
    ARROW_RETURN_NOT_OK(expect(1, 1));
    ARROW_ASSIGN_OR_RAISE(auto buckets, Constant(*call.args[0], binder, arrow::int64()));
    window_call.constants.push_back(buckets);
    result_type = arrow::int64();
  } else if (name == "lag" || name == "lead") {
    ARROW_RETURN_NOT_OK(expect(1, 3));
    ARROW_ASSIGN_OR_RAISE(result_type, bind_column(*call.args[0]));
    std::shared_ptr<arrow::Scalar> offset = std::make_shared<arrow::Int64Scalar>(1);
    if (call.args.size() > 1) {
      ARROW_ASSIGN_OR_RAISE(offset, Constant(*call.args[1], binder, arrow::int64()));
    }
    window_call.constants.push_back(offset);
    if (call.args.size() > 2) {
      ARROW_ASSIGN_OR_RAISE(auto fallback, Constant(*call.args[2], binder, result_type));
      window_call.constants.push_back(fallback);
    }
  } else if (name == "first_value" || name == "last_value") {
    ARROW_RETURN_NOT_OK(expect(1, 1));
    ARROW_ASSIGN_OR_RAISE(result_type, bind_column(*call.args[0]));
  } else if (name == "nth_value") {
    ARROW_RETURN_NOT_OK(expect(2, 2));
    ARROW_ASSIGN_OR_RAISE(result_type, bind_column(*call.args[0]));
    ARROW_ASSIGN_OR_RAISE(auto n, Constant(*call.args[1], binder, arrow::int64()));
    window_call.constants.push_back(n);
  } else if (call.star) {
    result_type = arrow::int64();
  } else {
    ARROW_RETURN_NOT_OK(expect(1, 1));
    ARROW_ASSIGN_OR_RAISE(auto type, bind_column(*call.args[0]));
    if (name == "count") {
      result_type = arrow::int64();
    } else if (name == "avg") {
      result_type = arrow::float64();
    } else if (name == "sum") {
      if (!IsNumeric(*type)) {
        return sql::SqlError(context_.sql, call.location, "function sum(", SqlTypeName(*type), ") does not exist");
      }
      ARROW_ASSIGN_OR_RAISE(auto empty, arrow::MakeEmptyArray(type));
      ARROW_ASSIGN_OR_RAISE(auto sum, cp::CallFunction("sum", {empty}));
      result_type = sum.type()->GetSharedPtr();
    } else {
      result_type = type;
    }
  }

  // The frame, with constant offsets.
  if (spec.has_frame) {
    window_call.frame.units = spec.units == sql::WindowSpec::kRows     ? WindowFrameSpec::kRows
                              : spec.units == sql::WindowSpec::kGroups ? WindowFrameSpec::kGroups
                                                                       : WindowFrameSpec::kRange;
    window_call.frame.start = ToBound(spec.start.kind);
    window_call.frame.end = ToBound(spec.end.kind);
    const bool counted = spec.units != sql::WindowSpec::kRange;
    if (spec.start.offset) {
      ARROW_ASSIGN_OR_RAISE(window_call.frame.start.offset,
                            Constant(*spec.start.offset, binder, counted ? arrow::int64() : nullptr));
    }
    if (spec.end.offset) {
      ARROW_ASSIGN_OR_RAISE(window_call.frame.end.offset,
                            Constant(*spec.end.offset, binder, counted ? arrow::int64() : nullptr));
    }
  }

  std::vector<std::string> partition_by;
  for (const auto& expr : spec.partition_by) {
    ARROW_ASSIGN_OR_RAISE(auto value, binder.Bind(*expr));
    partition_by.push_back(Column(value));
  }
  std::vector<cp::SortKey> order_by;
  for (const auto& item : spec.order_by) {
    ARROW_ASSIGN_OR_RAISE(auto value, binder.Bind(*item->expr));
    bool nulls_first = item->nulls_first.value_or(item->descending);
    order_by.emplace_back(arrow::FieldRef(Column(value)),
                          item->descending ? cp::SortOrder::Descending : cp::SortOrder::Ascending,
                          nulls_first ? cp::NullPlacement::AtStart : cp::NullPlacement::AtEnd);
  }
  std::string signature = KeySignature(partition_by, order_by);
  Group* group = nullptr;
  for (auto& existing : groups_) {
    if (KeySignature(existing.partition_by, existing.order_by) == signature) group = &existing;
  }
  if (!group) {
    groups_.push_back({partition_by, order_by, {}});
    group = &groups_.back();
  }
  group->calls.push_back(window_call);
  outputs_.push_back(arrow::field(window_call.output, result_type));
  BoundExpression out;
  out.type = result_type;
  out.expr = cp::field_ref(window_call.output);
  return out;
}

arrow::Result<LogicalPlanPtr> WindowBinder::BuildPlan(LogicalPlanPtr input) const {
  if (groups_.empty()) return input;
  std::vector<cp::Expression> computed;
  for (const auto& value : computed_) computed.push_back(value.expr);
  ARROW_ASSIGN_OR_RAISE(auto plan, MakeProjectAdding(input, std::move(computed), computed_names_));
  for (const auto& group : groups_) {
    auto window = std::make_shared<LogicalWindow>();
    window->partition_by = group.partition_by;
    window->order_by = group.order_by;
    window->calls = group.calls;
    auto fields = plan->schema->fields();
    for (const auto& call : group.calls) {
      for (const auto& output : outputs_) {
        if (output->name() == call.output) fields.push_back(output);
      }
    }
    window->schema = arrow::schema(std::move(fields));
    window->inputs = {plan};
    plan = window;
  }
  return plan;
}

}  // namespace quiver::plan
