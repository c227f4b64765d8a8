#pragma once

#include <arrow/result.h>

#include <string>
#include <utility>
#include <vector>

#include "quiver/plan/expression_binder.h"
#include "quiver/plan/logical_plan.h"

namespace quiver::plan {

/// Binds the window function calls of one SELECT (select list and ORDER BY). Their
/// arguments, PARTITION BY and ORDER BY expressions are computed by a projection over
/// the rows the calls see (after WHERE, GROUP BY and HAVING); calls sharing a PARTITION
/// BY / ORDER BY are computed by one window operator.
class WindowBinder : public WindowResolver {
 public:
  WindowBinder(BindContext& context, const std::vector<std::pair<std::string, sql::WindowSpec>>& named_windows)
      : context_(context), named_windows_(named_windows) {}

  arrow::Result<BoundExpression> BindWindow(const sql::ParsedExpr& call, ExpressionBinder& binder) override;
  arrow::FieldVector ExtraFields() const override { return outputs_; }

  bool empty() const { return groups_.empty(); }
  /// input → Project(input columns, computed arguments and keys) → one window operator
  /// per distinct PARTITION BY / ORDER BY.
  arrow::Result<LogicalPlanPtr> BuildPlan(LogicalPlanPtr input) const;

 private:
  struct Group {
    std::vector<std::string> partition_by;
    std::vector<cp::SortKey> order_by;
    std::vector<WindowFunctionCall> calls;
  };

  arrow::Result<sql::WindowSpec> Resolve(const sql::WindowSpec& spec, int location) const;
  /// A column computing `value`, reused when the same expression was seen before.
  std::string Column(const BoundExpression& value);
  arrow::Result<std::shared_ptr<arrow::Scalar>> Constant(const sql::ParsedExpr& expr, ExpressionBinder& binder,
                                                         const std::shared_ptr<arrow::DataType>& type);

  BindContext& context_;
  const std::vector<std::pair<std::string, sql::WindowSpec>>& named_windows_;
  std::vector<BoundExpression> computed_;
  std::vector<std::string> computed_names_;
  std::vector<Group> groups_;
  arrow::FieldVector outputs_;
};

}  // namespace quiver::plan
