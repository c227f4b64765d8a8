#pragma once

// Rewrites of single expressions into cheaper equivalents, applied by the optimizer to
// every expression of a plan before filters are pushed down.

#include <arrow/compute/expression.h>
#include <arrow/result.h>
#include <arrow/type_fwd.h>

namespace quiver::plan {

namespace cp = arrow::compute;

/// Simplifies `expr` (bound against `input`) and returns it bound against `input`:
///  - calls whose arguments are all constants are evaluated once (not random());
///  - AND / OR with a constant operand shrink (false AND x is false, true AND x is x);
///  - a date column compared with a timestamp constant (what `date '…' + interval`
///    yields) compares as dates, so no per-row cast is needed and Parquet statistics
///    of the date column can skip row groups;
///  - `x = c1 OR x = c2 OR …` over constants becomes one IN-list lookup.
/// The result has the same type and the same value on every row (NULLs included); an
/// expression no rule applies to comes back unchanged.
cp::Expression SimplifyExpression(const cp::Expression& expr, const arrow::Schema& input);

}  // namespace quiver::plan
