#pragma once

#include <arrow/compute/expression.h>
#include <arrow/result.h>
#include <arrow/status.h>
#include <arrow/type_fwd.h>

namespace quiver {

/// Registers "quiver_decimal_add", "quiver_decimal_subtract" and
/// "quiver_decimal_multiply" over two decimal128 values (arrays or scalars), with
/// CastOptions naming the result type. They compute what Arrow's add, subtract and
/// multiply compute for decimals, on native 128-bit integers instead of through
/// Arrow's out-of-line Decimal128 operators (several times faster), and fail where a
/// result would wrap around 128 bits, where Arrow's return a wrong value. Idempotent.
arrow::Status RegisterDecimalArithmetic();

/// `bound` with its top call replaced by the native decimal function where it is
/// Arrow's add, subtract or multiply (checked or not) of two decimal128 values whose
/// scales Arrow's binding already aligned; `bound` itself otherwise. The result has
/// the type and value Arrow's call would have.
arrow::Result<arrow::compute::Expression> WithNativeDecimalArithmetic(const arrow::compute::Expression& bound,
                                                                      const arrow::Schema& schema);

}  // namespace quiver
