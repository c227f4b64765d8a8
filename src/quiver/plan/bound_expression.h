#pragma once

#include <arrow/compute/expression.h>
#include <arrow/type_fwd.h>

#include <memory>

namespace quiver::plan {

/// An expression with names resolved: an Arrow compute expression over the unique
/// column names of the plan below it, and its SQL result type.
struct BoundExpression {
  arrow::compute::Expression expr;
  std::shared_ptr<arrow::DataType> type;
  /// A quoted literal or a parameter whose type comes from where it is used:
  /// in `d < '2024-01-01'` the string becomes a date.
  bool adapts_to_context = false;
  /// 1-based placeholder number when this is an unbound parameter ($n), else 0.
  int parameter_index = 0;
};

}  // namespace quiver::plan
