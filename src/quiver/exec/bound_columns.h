#pragma once

#include <arrow/compute/expression.h>

#include <set>

namespace quiver::exec {

/// The input columns a bound expression reads, by index in its input; -1 stands for
/// any nested field it reads.
std::set<int> ColumnsRead(const arrow::compute::Expression& bound);

}  // namespace quiver::exec
