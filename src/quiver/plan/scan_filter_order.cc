#include "quiver/plan/scan_filter_order.h"

#include <map>
#include <set>

#include "quiver/plan/plan_builders.h"

namespace quiver::plan {

namespace {

// A leading part must drop at least this share of the rows to be worth a filter step
// of its own (each step copies the rows it keeps).
constexpr double kMaxLeadingSelectivity = 0.5;

arrow::Status OrderScan(LogicalScan& scan, CardinalityEstimator& estimator) {
  if (!scan.filter) return arrow::Status::OK();
  auto conjuncts = SplitConjunction(*scan.filter);
  if (conjuncts.size() < 2) return arrow::Status::OK();
  // Conjuncts grouped by the columns they read: bounds on one column count together.
  std::map<std::set<std::string>, std::vector<cp::Expression>> groups;
  for (const auto& conjunct : conjuncts) {
    auto columns = ReferencedColumns(conjunct);
    groups[std::set<std::string>(columns.begin(), columns.end())].push_back(conjunct);
  }
  if (groups.size() < 2) return arrow::Status::OK();
  const Estimate files = estimator.FileColumns(scan);
  const std::vector<cp::Expression>* best = nullptr;
  double best_selectivity = kMaxLeadingSelectivity;
  for (const auto& [columns, group] : groups) {
    double selectivity = CardinalityEstimator::ConjunctionSelectivity(JoinConjunction(group), files);
    if (selectivity <= best_selectivity) {
      best = &group;
      best_selectivity = selectivity;
    }
  }
  if (!best) return arrow::Status::OK();
  std::vector<cp::Expression> ordered = *best;
  for (const auto& [columns, group] : groups) {
    if (&group != best) ordered.insert(ordered.end(), group.begin(), group.end());
  }
  ARROW_ASSIGN_OR_RAISE(scan.filter, JoinConjunction(ordered).Bind(*scan.source->schema()));
  scan.leading_conjuncts = best->size();
  return arrow::Status::OK();
}

}  // namespace

arrow::Status OrderScanFilters(LogicalPlanPtr& plan, CardinalityEstimator& estimator) {
  for (auto& input : plan->inputs) ARROW_RETURN_NOT_OK(OrderScanFilters(input, estimator));
  if (plan->kind == LogicalKind::kScan) return OrderScan(static_cast<LogicalScan&>(*plan), estimator);
  return arrow::Status::OK();
}

}  // namespace quiver::plan
