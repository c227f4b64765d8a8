#pragma once

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include <string>
#include <vector>

namespace quiver::sqllogictest {

/// Renders one value for comparison with a test file, following the rules in
/// tests/sql/README.md: NULL, `(empty)`, true/false, integers as digits, R columns
/// with three decimals, dates and timestamps in ISO form.
std::string FormatValue(const arrow::Scalar& value, char column_type);

/// Renders every row of `table`; `column_types` has one letter per column.
arrow::Result<std::vector<std::vector<std::string>>> FormatRows(const arrow::Table& table,
                                                                const std::string& column_types);

}  // namespace quiver::sqllogictest
