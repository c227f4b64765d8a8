#include "quiver/plan/sql_types.h"

#include <arrow/type.h>

#include <algorithm>

namespace quiver::plan {

namespace {

constexpr int32_t kDefaultNumericPrecision = 38;
constexpr int32_t kDefaultNumericScale = 10;

int IntegerWidth(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::INT8:
      return 8;
    case arrow::Type::INT16:
      return 16;
    case arrow::Type::INT32:
      return 32;
    case arrow::Type::INT64:
      return 64;
    case arrow::Type::UINT8:
      return 16;
    case arrow::Type::UINT16:
      return 32;
    case arrow::Type::UINT32:
      return 64;
    case arrow::Type::UINT64:
      return 64;
    default:
      return 0;
  }
}

TypePtr IntegerOfWidth(int bits) {
  switch (bits) {
    case 8:
      return arrow::int8();
    case 16:
      return arrow::int16();
    case 32:
      return arrow::int32();
    default:
      return arrow::int64();
  }
}

// Decimal precision needed to hold every value of an integer type.
int32_t IntegerDigits(const arrow::DataType& type) {
  switch (IntegerWidth(type)) {
    case 8:
      return 3;
    case 16:
      return 5;
    case 32:
      return 10;
    default:
      return 19;
  }
}

bool IsDecimal(const arrow::DataType& type) {
  return type.id() == arrow::Type::DECIMAL128 || type.id() == arrow::Type::DECIMAL256;
}

bool IsFloating(const arrow::DataType& type) {
  return type.id() == arrow::Type::FLOAT || type.id() == arrow::Type::DOUBLE || type.id() == arrow::Type::HALF_FLOAT;
}

}  // namespace

bool IsInteger(const arrow::DataType& type) { return IntegerWidth(type) > 0; }
bool IsNumeric(const arrow::DataType& type) { return IsInteger(type) || IsFloating(type) || IsDecimal(type); }
bool IsString(const arrow::DataType& type) {
  return type.id() == arrow::Type::STRING || type.id() == arrow::Type::LARGE_STRING ||
         type.id() == arrow::Type::STRING_VIEW;
}
bool IsTemporal(const arrow::DataType& type) {
  return type.id() == arrow::Type::DATE32 || type.id() == arrow::Type::DATE64 || type.id() == arrow::Type::TIMESTAMP;
}

arrow::Result<TypePtr> ResolveTypeName(const sql::TypeName& type) {
  const std::string& name = type.name;
  if (name == "smallint") return arrow::int16();
  if (name == "int") return arrow::int32();
  if (name == "bigint") return arrow::int64();
  if (name == "real") return arrow::float32();
  if (name == "double") return arrow::float64();
  if (name == "numeric") {
    int32_t precision = type.modifiers.size() > 0 ? type.modifiers[0] : kDefaultNumericPrecision;
    int32_t scale = type.modifiers.size() > 1 ? type.modifiers[1] : (type.modifiers.empty() ? kDefaultNumericScale : 0);
    if (precision < 1 || precision > 38) {
      return arrow::Status::Invalid("NUMERIC precision ", precision, " must be between 1 and 38");
    }
    if (scale < 0 || scale > precision) {
      return arrow::Status::Invalid("NUMERIC scale ", scale, " must be between 0 and precision ", precision);
    }
    return arrow::decimal128(precision, scale);
  }
  if (name == "text") return arrow::utf8();
  if (name == "boolean") return arrow::boolean();
  if (name == "date") return arrow::date32();
  if (name == "timestamp") return arrow::timestamp(arrow::TimeUnit::MICRO);
  if (name == "timestamptz") return arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
  if (name == "interval") return arrow::month_day_nano_interval();
  if (name == "time") return arrow::time64(arrow::TimeUnit::MICRO);
  if (name == "bytea") return arrow::binary();
  return arrow::Status::Invalid("type \"", name, "\" does not exist");
}

std::string SqlTypeName(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::NA:
      return "unknown";
    case arrow::Type::BOOL:
      return "boolean";
    case arrow::Type::INT8:
    case arrow::Type::INT16:
    case arrow::Type::UINT8:
      return "smallint";
    case arrow::Type::INT32:
    case arrow::Type::UINT16:
      return "integer";
    case arrow::Type::INT64:
    case arrow::Type::UINT32:
    case arrow::Type::UINT64:
      return "bigint";
    case arrow::Type::HALF_FLOAT:
    case arrow::Type::FLOAT:
      return "real";
    case arrow::Type::DOUBLE:
      return "double precision";
    case arrow::Type::DECIMAL128:
    case arrow::Type::DECIMAL256: {
      const auto& decimal = static_cast<const arrow::DecimalType&>(type);
      return "numeric(" + std::to_string(decimal.precision()) + "," + std::to_string(decimal.scale()) + ")";
    }
    case arrow::Type::STRING:
    case arrow::Type::LARGE_STRING:
    case arrow::Type::STRING_VIEW:
      return "text";
    case arrow::Type::BINARY:
    case arrow::Type::LARGE_BINARY:
      return "bytea";
    case arrow::Type::DATE32:
    case arrow::Type::DATE64:
      return "date";
    case arrow::Type::TIMESTAMP:
      return static_cast<const arrow::TimestampType&>(type).timezone().empty() ? "timestamp" : "timestamptz";
    case arrow::Type::TIME32:
    case arrow::Type::TIME64:
      return "time";
    case arrow::Type::INTERVAL_MONTH_DAY_NANO:
    case arrow::Type::DURATION:
      return "interval";
    case arrow::Type::DICTIONARY:
      return SqlTypeName(*static_cast<const arrow::DictionaryType&>(type).value_type());
    default:
      return type.ToString();
  }
}

arrow::Result<TypePtr> CommonType(const TypePtr& left, const TypePtr& right) {
  if (left->Equals(*right)) return left;
  if (left->id() == arrow::Type::NA) return right;
  if (right->id() == arrow::Type::NA) return left;
  if (IsInteger(*left) && IsInteger(*right)) {
    return IntegerOfWidth(std::max(IntegerWidth(*left), IntegerWidth(*right)));
  }
  if (IsNumeric(*left) && IsNumeric(*right)) {
    if (IsFloating(*left) || IsFloating(*right)) return arrow::float64();
    // Decimal with integer or decimal: enough digits left of the point for both.
    auto digits = [](const arrow::DataType& t, int32_t* whole, int32_t* scale) {
      if (IsDecimal(t)) {
        const auto& d = static_cast<const arrow::DecimalType&>(t);
        *whole = d.precision() - d.scale();
        *scale = d.scale();
      } else {
        *whole = IntegerDigits(t);
        *scale = 0;
      }
    };
    int32_t lw, ls, rw, rs;
    digits(*left, &lw, &ls);
    digits(*right, &rw, &rs);
    int32_t scale = std::max(ls, rs);
    int32_t precision = std::min(38, std::max(lw, rw) + scale);
    return arrow::decimal128(precision, scale);
  }
  if (IsString(*left) && IsString(*right)) return arrow::utf8();
  if (IsTemporal(*left) && IsTemporal(*right)) {
    if (left->id() == arrow::Type::TIMESTAMP) return left;
    if (right->id() == arrow::Type::TIMESTAMP) return right;
    return arrow::date32();
  }
  if (left->id() == arrow::Type::DICTIONARY) {
    return CommonType(static_cast<const arrow::DictionaryType&>(*left).value_type(), right);
  }
  if (right->id() == arrow::Type::DICTIONARY) {
    return CommonType(left, static_cast<const arrow::DictionaryType&>(*right).value_type());
  }
  return arrow::Status::Invalid("types ", SqlTypeName(*left), " and ", SqlTypeName(*right), " cannot be matched");
}

}  // namespace quiver::plan
