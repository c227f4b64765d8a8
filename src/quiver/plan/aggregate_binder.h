#pragma once

#include <arrow/compute/api_vector.h>
#include <arrow/result.h>

#include <map>
#include <optional>
#include <vector>

#include "quiver/plan/expression_binder.h"
#include "quiver/plan/logical_plan.h"

namespace quiver::plan {

/// percentile_cont, percentile_disc, mode, and median (an extension: PostgreSQL has none).
bool IsOrderedSetAggregate(const std::string& name);

/// The type Arrow's aggregate kernel `function` (without "hash_") produces for an
/// input type, so expressions over an aggregate's output are bound against what
/// execution really delivers.
arrow::Result<std::shared_ptr<arrow::DataType>> AggregateResultType(const std::string& function,
                                                                    const std::shared_ptr<arrow::DataType>& input);

/// Binds the parts of a grouped query that are evaluated after grouping. Collects the
/// GROUP BY keys and every aggregate call met, and finally builds
///   input → Project(keys, aggregate arguments) → Aggregate
/// whose output (keys then aggregates) the bound expressions refer to.
///
/// With grouping sets, every set gets its own Aggregate over its own copy of that
/// input, projected to the same columns (NULL for the keys the set leaves out, a
/// constant for each grouping() call), and a union combines them.
class AggregateBinder : public AggregateResolver {
 public:
  AggregateBinder(BindContext& context, const BindScope& input_scope) : context_(context), input_scope_(input_scope) {}

  /// The position of the GROUP BY key computing `key` (bound against the input scope),
  /// added under `name` unless an equal key exists. A key added after SetGroupingSets
  /// joins every set (the columns a correlated subquery is grouped by).
  size_t AddGroupKey(BoundExpression key, const std::string& name);
  /// Resolves subqueries in aggregate arguments, FILTER and ORDER BY: they are computed
  /// per input row, by joins the caller adds to the input before BuildPlan.
  void set_input_subqueries(SubqueryResolver* resolver) { input_subqueries_ = resolver; }
  /// Groups by each of these sets of key positions instead of by all keys at once.
  void SetGroupingSets(std::vector<std::vector<size_t>> sets) { grouping_sets_ = std::move(sets); }

  arrow::Result<BoundExpression> BindAggregate(const sql::ParsedExpr& call) override;
  arrow::Result<BoundExpression> BindGrouping(const sql::ParsedExpr& call) override;
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
  /// The key position `expr` is bound to, if it is a GROUP BY key.
  arrow::Result<std::optional<size_t>> FindGroupKey(const sql::ParsedExpr& expr) const;
  /// Aggregate(keys) with every call over `input`; its output holds those keys and
  /// every call's column.
  arrow::Result<LogicalPlanPtr> MakeAggregate(LogicalPlanPtr input, const std::vector<size_t>& keys) const;
  /// One grouping set's rows in the grouped schema's columns.
  arrow::Result<LogicalPlanPtr> BuildGroupingSet(LogicalPlanPtr input, const std::vector<size_t>& set,
                                                 bool first) const;
  /// The aggregate's FILTER (WHERE …) condition, bound against the input rows.
  arrow::Result<std::optional<BoundExpression>> BindFilter(const sql::ParsedExpr& call);
  /// `value`, or NULL where the filter does not hold.
  arrow::Result<BoundExpression> ApplyFilter(const std::optional<BoundExpression>& filter, BoundExpression value,
                                             int location);
  /// f(x ORDER BY k…): each sort key collected per group into a list (references to
  /// them, in ORDER BY order), and the options that sort a group's values by them.
  arrow::Result<std::vector<BoundExpression>> CollectSortKeys(const sql::ParsedExpr& call,
                                                              std::shared_ptr<cp::SortOptions>* sort_options);
  /// Collects `argument` per group into a list and returns a reference to that list.
  arrow::Result<BoundExpression> AddListAggregate(const BoundExpression& argument, const std::string& name);
  /// percentile_cont, percentile_disc, mode (WITHIN GROUP) and median: the group's
  /// values collected as a list, finished by a kernel that sorts each list
  /// (ordered_set_aggregate.cc).
  arrow::Result<BoundExpression> BindOrderedSetAggregate(const sql::ParsedExpr& call);

  /// Binds expressions over the input rows (arguments, FILTER, ORDER BY in a call).
  ExpressionBinder InputBinder(const char* clause) const;

  BindContext& context_;
  const BindScope& input_scope_;
  SubqueryResolver* input_subqueries_ = nullptr;
  std::vector<BoundExpression> key_exprs_;
  std::vector<std::string> key_names_;
  std::vector<cp::Expression> argument_exprs_;
  std::vector<std::string> argument_names_;
  std::vector<AggregateCall> calls_;
  /// The columns after the keys: aggregate results and grouping() results, in the
  /// order they were met (bound expressions point at them by position).
  arrow::FieldVector aggregate_fields_;
  /// grouping() columns: output name → the key positions its arguments are.
  std::map<std::string, std::vector<size_t>> grouping_columns_;
  std::optional<std::vector<std::vector<size_t>>> grouping_sets_;
};

}  // namespace quiver::plan
