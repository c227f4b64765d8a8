#pragma once

// Small constructors for logical operators, shared by the binder and the optimizer.

#include <arrow/result.h>

#include "quiver/plan/bind_context.h"
#include "quiver/plan/bound_expression.h"
#include "quiver/plan/logical_plan.h"

namespace quiver::plan {

/// Projects `expressions` (bound against input's schema) into columns named `names`.
arrow::Result<LogicalPlanPtr> MakeProject(LogicalPlanPtr input, std::vector<cp::Expression> expressions,
                                          std::vector<std::string> names);
arrow::Result<LogicalPlanPtr> MakeFilter(LogicalPlanPtr input, cp::Expression predicate);
/// A join's output schema is its inputs' columns, left then right (left only for semi
/// and anti joins).
LogicalPlanPtr MakeJoin(LogicalJoinType type, LogicalPlanPtr left, LogicalPlanPtr right,
                        std::vector<std::string> left_keys, std::vector<std::string> right_keys,
                        std::optional<cp::Expression> residual);
/// Joins left and right on `conditions`, expressions over both sides' columns.
/// Equalities between a left-side and a right-side expression become hash keys (keys
/// that are not plain columns are computed by a projection below the join); the rest
/// form the residual. An inner join without conditions is a cross join.
arrow::Result<std::shared_ptr<LogicalJoin>> MakeJoinOn(LogicalJoinType type, LogicalPlanPtr left, LogicalPlanPtr right,
                                                       const std::vector<cp::Expression>& conditions,
                                                       BindContext& context);
/// Keeps every column of `input` and adds `extra` ones named `names`.
arrow::Result<LogicalPlanPtr> MakeProjectAdding(LogicalPlanPtr input, std::vector<cp::Expression> extra,
                                                std::vector<std::string> names);
/// Keeps only the named columns of input, in the given order.
arrow::Result<LogicalPlanPtr> MakeColumnSelection(LogicalPlanPtr input, const std::vector<std::string>& names);

/// The input column a projection passes on unchanged as its output column `name`, if any.
std::optional<std::string> PassedThrough(const LogicalProject& project, const std::string& name);
/// An inner or cross join whose keys never match NULLs: one whose inputs join ordering
/// may reorder and semi joins may move into.
bool IsInnerJoin(const LogicalOperator& node);
/// The column names an expression reads.
std::vector<std::string> ReferencedColumns(const cp::Expression& expr);
/// The conjuncts of an AND chain (and_kleene / and), or the expression itself.
std::vector<cp::Expression> SplitConjunction(const cp::Expression& expr);
/// The disjuncts of an OR chain (or_kleene / or), or the expression itself.
std::vector<cp::Expression> SplitDisjunction(const cp::Expression& expr);
/// The AND of conjuncts (true when empty).
cp::Expression JoinConjunction(const std::vector<cp::Expression>& conjuncts);
/// The same condition for a filter, which keeps only the rows where it is true. There a
/// NULL conjunct drops the row as false would, so plain `and` replaces Kleene's: its
/// result has no validity bitmap when its inputs have none, which lets Arrow's filter
/// copy selected runs instead of testing validity row by row.
cp::Expression AsFilterCondition(const cp::Expression& condition);
/// The schema a join's residual is bound against: left columns then right columns.
std::shared_ptr<arrow::Schema> JoinedSchema(const LogicalJoin& join);
/// Rewrites the column names an expression reads; names not in the map stay.
cp::Expression RenameColumns(const cp::Expression& expr, const std::map<std::string, std::string>& renames);

/// A one-row, one-column source for SELECT without FROM.
arrow::Result<LogicalPlanPtr> SingleRow(BindContext& context);

/// Evaluates an expression without input columns (VALUES rows, LIMIT counts).
arrow::Result<std::shared_ptr<arrow::Scalar>> EvaluateConstant(const BoundExpression& value);

}  // namespace quiver::plan
