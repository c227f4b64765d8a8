#pragma once

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include <memory>
#include <string>

#include "quiver/sql/ast.h"

namespace quiver::plan {

using TypePtr = std::shared_ptr<arrow::DataType>;

/// The Arrow type of a SQL type name: int → int32, numeric(p,s) → decimal128(p,s),
/// text → utf8, timestamptz → timestamp[us, UTC], interval → month_day_nano …
arrow::Result<TypePtr> ResolveTypeName(const sql::TypeName& type);

/// The SQL name of an Arrow type, as DESCRIBE and error messages show it.
std::string SqlTypeName(const arrow::DataType& type);

bool IsInteger(const arrow::DataType& type);
bool IsNumeric(const arrow::DataType& type);  // integer, floating point or decimal
bool IsString(const arrow::DataType& type);
bool IsTemporal(const arrow::DataType& type);  // date or timestamp

/// The type two values are converted to when compared, combined in CASE / COALESCE /
/// UNION / IN, or used in arithmetic: integers widen, integer with decimal gives
/// decimal, anything numeric with floating point gives double, date with timestamp
/// gives timestamp, NULL takes the other type. Invalid when there is none.
arrow::Result<TypePtr> CommonType(const TypePtr& left, const TypePtr& right);

}  // namespace quiver::plan
