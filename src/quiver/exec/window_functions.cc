// The catalogue of window functions: names, arity and result types.

#include "quiver/exec/window_functions.h"

#include <arrow/type_traits.h>

namespace quiver::exec {

namespace {

arrow::Status ArgumentCount(const std::string& function, const std::vector<std::shared_ptr<arrow::DataType>>& types,
                            size_t expected) {
  if (types.size() == expected) return arrow::Status::OK();
  return arrow::Status::Invalid("window function ", function, " takes ", expected, " column argument",
                                expected == 1 ? "" : "s", ", not ", types.size());
}

bool IsComparable(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::BOOL:
    case arrow::Type::DATE32:
    case arrow::Type::DATE64:
    case arrow::Type::TIMESTAMP:
    case arrow::Type::TIME32:
    case arrow::Type::TIME64:
    case arrow::Type::DURATION:
    case arrow::Type::DECIMAL128:
    case arrow::Type::DECIMAL256:
    case arrow::Type::STRING:
    case arrow::Type::LARGE_STRING:
    case arrow::Type::STRING_VIEW:
    case arrow::Type::BINARY:
    case arrow::Type::LARGE_BINARY:
      return true;
    default:
      return arrow::is_integer(type.id()) || arrow::is_floating(type.id());
  }
}

bool IsSummable(const arrow::DataType& type) {
  return arrow::is_integer(type.id()) || arrow::is_floating(type.id()) || type.id() == arrow::Type::DECIMAL128;
}

}  // namespace

bool IsWindowFunction(const std::string& function) {
  return window::IsRankFunction(function) || window::IsValueFunction(function) || window::IsAggregateFunction(function);
}

arrow::Result<std::shared_ptr<arrow::DataType>> WindowResultType(
    const std::string& function, const std::vector<std::shared_ptr<arrow::DataType>>& argument_types) {
  if (!IsWindowFunction(function)) return arrow::Status::Invalid("unknown window function ", function);
  if (window::IsRankFunction(function) || function == "count_all") {
    ARROW_RETURN_NOT_OK(ArgumentCount(function, argument_types, 0));
    if (function == "percent_rank" || function == "cume_dist") return arrow::float64();
    return arrow::int64();
  }
  ARROW_RETURN_NOT_OK(ArgumentCount(function, argument_types, 1));
  const auto& type = argument_types[0];
  if (function == "count") return arrow::int64();
  if (function == "sum" || function == "avg") {
    if (!IsSummable(*type)) {
      return arrow::Status::Invalid("window function ", function, " does not take ", type->ToString());
    }
    if (function == "avg" || arrow::is_floating(type->id())) return arrow::float64();
    if (arrow::is_signed_integer(type->id())) return arrow::int64();
    if (arrow::is_unsigned_integer(type->id())) return arrow::uint64();
    return arrow::decimal128(38, static_cast<const arrow::DecimalType&>(*type).scale());
  }
  if ((function == "min" || function == "max") && !IsComparable(*type)) {
    return arrow::Status::Invalid("window function ", function, " does not take ", type->ToString());
  }
  return type;
}

namespace window {

bool UsesFrame(const std::string& function) {
  return function == "first_value" || function == "last_value" || function == "nth_value" ||
         IsAggregateFunction(function) || function == "min" || function == "max";
}

}  // namespace window

}  // namespace quiver::exec
