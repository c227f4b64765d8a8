#pragma once

#include <arrow/result.h>

#include <vector>

#include "quiver/plan/expression_binder.h"
#include "quiver/plan/logical_plan.h"

namespace quiver::plan {

/// Binds the parts of a grouped query that are evaluated after grouping. Collects the
/// GROUP BY keys and every aggregate call met, and finally builds
///   input → Project(keys, aggregate arguments) → Aggregate
/// whose output (keys then aggregates) the bound expressions refer to.
class AggregateBinder : public AggregateResolver {
 public:
  AggregateBinder(BindContext& context, const BindScope& input_scope) : context_(context), input_scope_(input_scope) {}

  /// Adds a GROUP BY expression (bound against the input scope).
  arrow::Status AddGroupKey(BoundExpression key, const std::string& name);

  arrow::Result<BoundExpression> BindAggregate(const sql::ParsedExpr& call) override;
  arrow::Result<std::optional<BoundExpression>> MatchGroupKey(const sql::ParsedExpr& expr) override;
  std::shared_ptr<arrow::Schema> GroupedSchema() const override;

  arrow::Result<LogicalPlanPtr> BuildPlan(LogicalPlanPtr input) const;

 private:
  /// The pre-aggregation column computing `expr`: an existing one when an equal
  /// expression is already computed (sum(x) and avg(x) read one column).
  std::string ArgumentColumn(const cp::Expression& expr);
  /// Adds `call` with its result type unless an identical call exists; returns the
  /// output column name of the call that computes it.
  std::string AddCall(AggregateCall call, std::shared_ptr<arrow::DataType> result_type);

  BindContext& context_;
  const BindScope& input_scope_;
  std::vector<BoundExpression> key_exprs_;
  std::vector<std::string> key_names_;
  std::vector<cp::Expression> argument_exprs_;
  std::vector<std::string> argument_names_;
  std::vector<AggregateCall> calls_;
  arrow::FieldVector aggregate_fields_;
};

}  // namespace quiver::plan
