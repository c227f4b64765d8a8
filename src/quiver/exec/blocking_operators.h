#pragma once

#include <arrow/acero/exec_plan.h>

#include <string>

namespace quiver::exec {

/// Names the operators of a plan that hold rows until their input ends (hash join
/// builds, aggregates, sorts, window functions, nested-loop join builds): the ones
/// whose state grows with the data, so the likely place a memory budget ran out.
/// "the hash join build (HashJoin …)" when there is one, "one of the operators
/// holding rows: …" when there are several, "" when there are none.
std::string DescribeBlockingOperators(const arrow::acero::Declaration& declaration);

}  // namespace quiver::exec
