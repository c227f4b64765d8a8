#pragma once

#include <arrow/acero/exec_plan.h>
#include <arrow/result.h>

#include <string>

#include "quiver/plan/logical_plan.h"

namespace quiver::exec {

/// Turns an optimized logical plan into an Acero declaration tree, one Acero node (or
/// a short chain) per logical operator. Every declaration carries a label describing
/// it, which EXPLAIN prints as the physical plan.
arrow::Result<arrow::acero::Declaration> LowerToAcero(const plan::LogicalOperator& root);

/// The indented tree of Acero nodes of a declaration, with their labels.
std::string FormatPhysicalPlan(const arrow::acero::Declaration& declaration);

}  // namespace quiver::exec
