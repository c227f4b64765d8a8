#pragma once

#include <arrow/result.h>

#include <vector>

#include "quiver/plan/bound_expression.h"
#include "quiver/sql/ast.h"

namespace quiver::plan {

class ExpressionBinder;

/// Binds a call of a scalar SQL function (lower, substring, round, extract, date_trunc
/// …) whose arguments are already bound, mapping it onto Arrow compute kernels with
/// PostgreSQL's semantics. Unknown functions are "function f(types) does not exist".
arrow::Result<BoundExpression> BindScalarFunction(ExpressionBinder& binder, const sql::ParsedExpr& call,
                                                  std::vector<BoundExpression> args);

}  // namespace quiver::plan
