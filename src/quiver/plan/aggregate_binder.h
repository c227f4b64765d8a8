#pragma once

#include <arrow/result.h>

#include <optional>
#include <vector>

#include "quiver/plan/expression_binder.h"
#include "quiver/plan/logical_plan.h"

namespace quiver::plan {

/// percentile_cont, percentile_disc, mode, and median (an extension: PostgreSQL has none).
bool IsOrderedSetAggregate(const std::string& name);

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
  /// The aggregate's FILTER (WHERE …) condition, bound against the input rows.
  arrow::Result<std::optional<BoundExpression>> BindFilter(const sql::ParsedExpr& call);
  /// `value`, or NULL where the filter does not hold.
  arrow::Result<BoundExpression> ApplyFilter(const std::optional<BoundExpression>& filter, BoundExpression value,
                                             int location);
  /// Collects `argument` per group into a list and returns a reference to that list.
  arrow::Result<BoundExpression> AddListAggregate(const BoundExpression& argument, const std::string& name);
  /// percentile_cont, percentile_disc, mode (WITHIN GROUP) and median: the group's
  /// values collected as a list, finished by a kernel that sorts each list
  /// (ordered_set_aggregate.cc).
  arrow::Result<BoundExpression> BindOrderedSetAggregate(const sql::ParsedExpr& call);

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
