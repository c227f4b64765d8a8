#pragma once

#include <arrow/type_fwd.h>

#include <optional>

namespace quiver::storage {

/// The position of an ordered value on a number line, for interpolating between a
/// column's min and max: integers, floats and decimals as themselves, dates as days,
/// timestamps and times in their unit. Empty for NULL and for other types.
std::optional<double> NumberOf(const arrow::Scalar& scalar);

/// Whether a column of this type holds only whole numbers (integers, dates), so a
/// range [min, max] holds at most max - min + 1 distinct values.
bool HasWholeNumbers(const arrow::DataType& type);

}  // namespace quiver::storage
