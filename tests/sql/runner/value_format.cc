#include "value_format.h"

#include <arrow/scalar.h>
#include <arrow/table.h>
#include <arrow/type.h>
#include <arrow/util/decimal.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace quiver::sqllogictest {
namespace {

// Three decimals absorb the differences between float and exact numeric arithmetic
// (PostgreSQL's numeric vs Quiver's double), so expected results can come from either.
std::string FormatReal(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.3f", v);
  std::string text = buffer;
  if (text == "-0.000") text = "0.000";
  return text;
}

std::string FormatShortestDouble(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), v);
  return std::string(buffer, end);
}

// An I column holding a non-integer type still prints as an integer when the value is
// whole (PostgreSQL's EXTRACT returns numeric, Quiver's an integer).
std::string FormatAsInteger(double v) {
  if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 9.0e15) {
    char buffer[64];
    std::snprintf(buffer, sizeof(buffer), "%.0f", v);
    return buffer;
  }
  return FormatReal(v);
}

// Seconds since the epoch plus a fractional part in nanoseconds, as
// "YYYY-MM-DD HH:MM:SS[.fraction without trailing zeros]" (PostgreSQL's text form).
std::string FormatEpoch(int64_t seconds, int64_t nanos, bool with_date, bool with_time) {
  if (nanos < 0) {
    nanos += 1000000000;
    seconds -= 1;
  }
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];
  std::string text;
  if (with_date) {
    std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    text += buffer;
  }
  if (with_time) {
    if (!text.empty()) text += ' ';
    std::snprintf(buffer, sizeof(buffer), "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
    text += buffer;
    if (nanos != 0) {
      std::snprintf(buffer, sizeof(buffer), ".%09lld", static_cast<long long>(nanos));
      std::string fraction = buffer;
      while (fraction.back() == '0') fraction.pop_back();
      text += fraction;
    }
  }
  return text;
}

int64_t UnitsPerSecond(arrow::TimeUnit::type unit) {
  switch (unit) {
    case arrow::TimeUnit::SECOND:
      return 1;
    case arrow::TimeUnit::MILLI:
      return 1000;
    case arrow::TimeUnit::MICRO:
      return 1000000;
    case arrow::TimeUnit::NANO:
      return 1000000000;
  }
  return 1;
}

std::string FormatTimeValue(int64_t value, arrow::TimeUnit::type unit, bool with_date, bool with_time) {
  int64_t per_second = UnitsPerSecond(unit);
  int64_t seconds = value / per_second;
  int64_t rest = value % per_second;
  return FormatEpoch(seconds, rest * (1000000000 / per_second), with_date, with_time);
}

// Numeric value of a scalar, when it has one.
bool AsDouble(const arrow::Scalar& value, double* out) {
  switch (value.type->id()) {
    case arrow::Type::INT8:
      *out = static_cast<const arrow::Int8Scalar&>(value).value;
      return true;
    case arrow::Type::INT16:
      *out = static_cast<const arrow::Int16Scalar&>(value).value;
      return true;
    case arrow::Type::INT32:
      *out = static_cast<const arrow::Int32Scalar&>(value).value;
      return true;
    case arrow::Type::INT64:
      *out = static_cast<double>(static_cast<const arrow::Int64Scalar&>(value).value);
      return true;
    case arrow::Type::UINT8:
      *out = static_cast<const arrow::UInt8Scalar&>(value).value;
      return true;
    case arrow::Type::UINT16:
      *out = static_cast<const arrow::UInt16Scalar&>(value).value;
      return true;
    case arrow::Type::UINT32:
      *out = static_cast<const arrow::UInt32Scalar&>(value).value;
      return true;
    case arrow::Type::UINT64:
      *out = static_cast<double>(static_cast<const arrow::UInt64Scalar&>(value).value);
      return true;
    case arrow::Type::HALF_FLOAT:
      return false;
    case arrow::Type::FLOAT:
      *out = static_cast<const arrow::FloatScalar&>(value).value;
      return true;
    case arrow::Type::DOUBLE:
      *out = static_cast<const arrow::DoubleScalar&>(value).value;
      return true;
    case arrow::Type::DECIMAL128: {
      const auto& d = static_cast<const arrow::Decimal128Scalar&>(value);
      *out = d.value.ToDouble(static_cast<const arrow::Decimal128Type&>(*value.type).scale());
      return true;
    }
    case arrow::Type::DECIMAL256: {
      const auto& d = static_cast<const arrow::Decimal256Scalar&>(value);
      *out = d.value.ToDouble(static_cast<const arrow::Decimal256Type&>(*value.type).scale());
      return true;
    }
    default:
      return false;
  }
}

bool IsIntegerType(arrow::Type::type id) { return arrow::is_integer(id); }

std::string FormatArray(const arrow::BaseListScalar& list);

// An array element as PostgreSQL's array output writes it: booleans as t/f, and
// double-quoted (with \ before " and \) when empty, when it reads NULL, or when it
// holds a space or one of {},"\.
std::string FormatArrayElement(const arrow::Scalar& value) {
  if (!value.is_valid) return "NULL";
  if (value.type->id() == arrow::Type::BOOL) return static_cast<const arrow::BooleanScalar&>(value).value ? "t" : "f";
  if (arrow::is_list(value.type->id())) return FormatArray(static_cast<const arrow::BaseListScalar&>(value));
  std::string text = arrow::is_base_binary_like(value.type->id()) ? value.ToString() : FormatValue(value, 'T');
  bool quote = text.empty() || text == "NULL";
  for (char c : text) quote = quote || c == ' ' || c == '{' || c == '}' || c == ',' || c == '"' || c == '\\';
  if (!quote) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string FormatArray(const arrow::BaseListScalar& list) {
  std::string out = "{";
  for (int64_t i = 0; i < list.value->length(); ++i) {
    if (i > 0) out += ",";
    auto element = list.value->GetScalar(i);
    out += element.ok() ? FormatArrayElement(**element) : "?";
  }
  return out + "}";
}

}  // namespace

std::string FormatValue(const arrow::Scalar& value, char column_type) {
  if (!value.is_valid) return "NULL";
  const arrow::Type::type id = value.type->id();
  if (id == arrow::Type::BOOL) return static_cast<const arrow::BooleanScalar&>(value).value ? "true" : "false";

  double number = 0;
  if (column_type == 'R' && AsDouble(value, &number)) return FormatReal(number);
  if (IsIntegerType(id)) return value.ToString();
  if (AsDouble(value, &number)) {
    if (column_type == 'I') return FormatAsInteger(number);
    if (id == arrow::Type::FLOAT || id == arrow::Type::DOUBLE) return FormatShortestDouble(number);
    return value.ToString();
  }

  switch (id) {
    case arrow::Type::STRING:
    case arrow::Type::LARGE_STRING:
    case arrow::Type::STRING_VIEW: {
      std::string text = value.ToString();
      return text.empty() ? "(empty)" : text;
    }
    case arrow::Type::DATE32: {
      int64_t days = static_cast<const arrow::Date32Scalar&>(value).value;
      return FormatEpoch(days * 86400, 0, true, false);
    }
    case arrow::Type::DATE64: {
      int64_t ms = static_cast<const arrow::Date64Scalar&>(value).value;
      return FormatTimeValue(ms, arrow::TimeUnit::MILLI, true, false);
    }
    case arrow::Type::TIMESTAMP: {
      const auto& type = static_cast<const arrow::TimestampType&>(*value.type);
      return FormatTimeValue(static_cast<const arrow::TimestampScalar&>(value).value, type.unit(), true, true);
    }
    case arrow::Type::TIME32: {
      const auto& type = static_cast<const arrow::Time32Type&>(*value.type);
      return FormatTimeValue(static_cast<const arrow::Time32Scalar&>(value).value, type.unit(), false, true);
    }
    case arrow::Type::TIME64: {
      const auto& type = static_cast<const arrow::Time64Type&>(*value.type);
      return FormatTimeValue(static_cast<const arrow::Time64Scalar&>(value).value, type.unit(), false, true);
    }
    case arrow::Type::LIST:
    case arrow::Type::LARGE_LIST:
      return FormatArray(static_cast<const arrow::BaseListScalar&>(value));
    default:
      return value.ToString();
  }
}

arrow::Result<std::vector<std::vector<std::string>>> FormatRows(const arrow::Table& table,
                                                                const std::string& column_types) {
  std::vector<std::vector<std::string>> rows(table.num_rows());
  for (int c = 0; c < table.num_columns(); ++c) {
    const char type = c < static_cast<int>(column_types.size()) ? column_types[c] : 'T';
    const auto& column = table.column(c);
    for (int64_t r = 0; r < table.num_rows(); ++r) {
      ARROW_ASSIGN_OR_RAISE(auto scalar, column->GetScalar(r));
      rows[r].push_back(FormatValue(*scalar, type));
    }
  }
  return rows;
}

}  // namespace quiver::sqllogictest
