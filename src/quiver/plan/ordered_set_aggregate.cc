// Ordered-set aggregates: percentile_cont, percentile_disc and mode, written
// f(direct arguments) WITHIN GROUP (ORDER BY x), and median(x). Arrow has no exact
// grouped quantile, so each group's x values are collected as a list (hash_list, or
// quiver_collect_list without GROUP BY) and a kernel sorts every list and picks or
// interpolates the result (common/ordered_set_kernels.cc). The direct argument (the
// fraction) is evaluated after grouping, so it may read group keys.

#include <arrow/builder.h>
#include <arrow/compute/api.h>
#include <arrow/scalar.h>

#include "quiver/common/ordered_set_kernels.h"
#include "quiver/plan/aggregate_binder.h"
#include "quiver/plan/sql_types.h"
#include "quiver/sql/source_text.h"

namespace quiver::plan {

namespace {

// Types whose values sort, so percentile_disc and mode can pick among them.
bool IsSortable(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::BOOL:
    case arrow::Type::DATE32:
    case arrow::Type::TIMESTAMP:
    case arrow::Type::TIME32:
    case arrow::Type::TIME64:
      return true;
    default:
      return IsNumeric(type) || IsString(type);
  }
}

// A constant fraction is checked now, so the error can point at it.
arrow::Status CheckFraction(const BindContext& context, const arrow::Scalar& fraction, int location) {
  if (!fraction.is_valid) return arrow::Status::OK();
  if (fraction.type->id() == arrow::Type::LIST) {
    const auto& list = static_cast<const arrow::BaseListScalar&>(fraction);
    for (int64_t i = 0; i < list.value->length(); ++i) {
      ARROW_ASSIGN_OR_RAISE(auto element, list.value->GetScalar(i));
      ARROW_RETURN_NOT_OK(CheckFraction(context, *element, location));
    }
    return arrow::Status::OK();
  }
  auto valid = CheckPercentileFraction(static_cast<const arrow::DoubleScalar&>(fraction).value);
  if (!valid.ok()) return sql::SqlError(context.sql, location, valid.message());
  return arrow::Status::OK();
}

}  // namespace

bool IsOrderedSetAggregate(const std::string& name) {
  return name == "percentile_cont" || name == "percentile_disc" || name == "mode" || name == "median";
}

arrow::Result<BoundExpression> AggregateBinder::BindOrderedSetAggregate(const sql::ParsedExpr& call) {
  const std::string& name = call.names[0];
  const int location = call.location;
  const bool median = name == "median";
  if (!IsOrderedSetAggregate(name)) {
    return sql::SqlError(context_.sql, location, name,
                         " is not an ordered-set aggregate, so it cannot have WITHIN GROUP");
  }
  if (median && !call.within_group.empty()) {
    return sql::SqlError(context_.sql, location,
                         "median is not an ordered-set aggregate, so it cannot have WITHIN GROUP (write median(x))");
  }
  if (!median && call.within_group.empty()) {
    return sql::SqlError(context_.sql, location, "WITHIN GROUP is required for ordered-set aggregate ", name);
  }
  if (call.distinct) return sql::SqlError(context_.sql, location, "DISTINCT is not supported in ", name);
  const size_t direct_arguments = median ? 1 : name == "mode" ? 0 : 1;
  if (call.args.size() != direct_arguments) {
    return sql::SqlError(context_.sql, location, "function ", name, " takes exactly ", direct_arguments,
                         direct_arguments == 1 ? " argument" : " arguments", median ? "" : " before WITHIN GROUP");
  }
  if (!median && call.within_group.size() != 1) {
    return sql::SqlError(context_.sql, location, "function ", name,
                         " takes exactly one ORDER BY expression in WITHIN GROUP");
  }

  // The sorted values: median's argument, or the WITHIN GROUP sort key.
  const sql::ParsedExpr& sorted = median ? *call.args[0] : *call.within_group[0]->expr;
  const bool descending = !median && call.within_group[0]->descending;
  if (ContainsAggregate(sorted)) {
    return sql::SqlError(context_.sql, location, "aggregate function calls cannot be nested");
  }
  ExpressionBinder argument_binder = InputBinder("aggregate function arguments");
  ARROW_ASSIGN_OR_RAISE(auto values, argument_binder.Bind(sorted));
  // median interpolates numbers like percentile_cont(0.5), and picks the lower middle
  // value of anything else that sorts (text, dates), like percentile_disc(0.5).
  const bool interpolate =
      name == "percentile_cont" || (median && (IsNumeric(*values.type) || values.adapts_to_context));
  if (values.adapts_to_context) {
    ARROW_ASSIGN_OR_RAISE(
        values, argument_binder.CastTo(values, interpolate ? arrow::float64() : arrow::utf8(), sorted.location));
  }
  if (interpolate) {
    if (!IsNumeric(*values.type) && values.type->id() != arrow::Type::NA) {
      return sql::SqlError(context_.sql, location, "function ", name, "(", median ? "" : "double precision, ",
                           SqlTypeName(*values.type), ") does not exist (", name,
                           " interpolates numbers; percentile_disc picks values of other types)");
    }
    // PostgreSQL interpolates in double precision, whatever the numeric input.
    ARROW_ASSIGN_OR_RAISE(values, argument_binder.CastTo(values, arrow::float64(), sorted.location));
  } else if (!IsSortable(*values.type)) {
    return sql::SqlError(context_.sql, location, "function ", name, "(", SqlTypeName(*values.type), ") does not exist");
  }
  ARROW_ASSIGN_OR_RAISE(auto filter, BindFilter(call));
  ARROW_ASSIGN_OR_RAISE(values, ApplyFilter(filter, std::move(values), location));
  ARROW_ASSIGN_OR_RAISE(auto lists, AddListAggregate(values, name));

  ExpressionBinder after(context_, input_scope_, name, this);
  auto direction = MakeLiteral(std::make_shared<arrow::BooleanScalar>(descending));
  if (name == "mode") return after.Call(kModeFunction, {lists, direction}, nullptr, name, location);

  BoundExpression fraction = MakeLiteral(std::make_shared<arrow::DoubleScalar>(0.5));
  if (!median) {
    const sql::ParsedExpr& direct = *call.args[0];
    if (ContainsAggregate(direct)) {
      return sql::SqlError(context_.sql, direct.location, "aggregate function calls cannot be nested");
    }
    ARROW_ASSIGN_OR_RAISE(fraction, after.Bind(direct));
    const bool several = fraction.type->id() == arrow::Type::LIST;
    auto fraction_type = several ? arrow::list(arrow::float64()) : arrow::float64();
    auto cast = after.CastTo(fraction, fraction_type, direct.location);
    if (!cast.ok()) {
      return sql::SqlError(context_.sql, direct.location, "function ", name, "(", SqlTypeName(*fraction.type), ", ",
                           SqlTypeName(*values.type), ") does not exist (the fraction must be a number or an array of ",
                           "numbers)");
    }
    fraction = std::move(*cast);
    if (auto constant = LiteralValue(fraction))
      ARROW_RETURN_NOT_OK(CheckFraction(context_, *constant, direct.location));
  }
  const char* finish = interpolate ? kPercentileContFunction : kPercentileDiscFunction;
  return after.Call(finish, {lists, fraction, direction}, nullptr, name, location);
}

}  // namespace quiver::plan
