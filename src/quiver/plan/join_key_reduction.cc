#include "quiver/plan/join_key_reduction.h"

#include <algorithm>
#include <map>
#include <set>

#include "quiver/plan/plan_builders.h"
#include "quiver/storage/file_statistics.h"

namespace quiver::plan {

namespace {

// The copy of L must be this much smaller than the rows it filters to be worth
// computing L's part twice.
constexpr double kReductionRatio = 0.25;
// The copy may read at most this many times the rows the aggregate would read.
constexpr double kRecomputeBudget = 2.0;

bool HasColumns(const LogicalOperator& node, const std::vector<std::string>& names) {
  return std::all_of(names.begin(), names.end(),
                     [&](const std::string& name) { return node.schema->GetFieldIndex(name) >= 0; });
}

// Follows `keys` (columns of `node`) down through projections that pass them through
// to the aggregate grouped by them; returns it with the keys' names there.
std::shared_ptr<LogicalAggregate> FindGroupingAggregate(const LogicalPlanPtr& node, std::vector<std::string>* keys) {
  if (node->kind == LogicalKind::kProject) {
    const auto& project = static_cast<const LogicalProject&>(*node);
    for (auto& key : *keys) {
      auto below = PassedThrough(project, key);
      if (!below) return nullptr;
      key = *below;
    }
    return FindGroupingAggregate(node->inputs[0], keys);
  }
  if (node->kind != LogicalKind::kAggregate) return nullptr;
  auto aggregate = std::static_pointer_cast<LogicalAggregate>(node);
  for (const auto& key : *keys) {
    if (std::find(aggregate->keys.begin(), aggregate->keys.end(), key) == aggregate->keys.end()) return nullptr;
  }
  return aggregate;
}

// Rows a subtree reads from its sources: what computing a copy of it costs.
double RowsRead(const LogicalOperator& node) {
  if (node.kind == LogicalKind::kScan) {
    auto statistics = storage::GetTableStatistics(*static_cast<const LogicalScan&>(node).source, {});
    return statistics.ok() ? statistics->row_count : 1e6;
  }
  if (node.kind == LogicalKind::kValues) {
    return static_cast<double>(static_cast<const LogicalValues&>(node).table->num_rows());
  }
  double rows = 0;
  for (const auto& input : node.inputs) rows += RowsRead(*input);
  return rows;
}

// A subtree that produces the join's key values, and the keys' names in it.
struct KeySource {
  LogicalPlanPtr plan;
  std::vector<std::string> keys;
};

// Among the subtrees on the way down from `node` that still produce every key column
// (each join or filter below keeps a subset of the key values; a projection may rename
// them), the one estimated to produce fewest rows whose copy reads at most `budget`
// rows; empty if none.
std::optional<KeySource> SmallestKeySource(const LogicalPlanPtr& node, std::vector<std::string> keys, double budget,
                                           CardinalityEstimator& estimator) {
  std::optional<KeySource> best;
  for (LogicalPlanPtr current = node; current;) {
    if (RowsRead(*current) <= budget && (!best || estimator.Of(current).rows < estimator.Of(best->plan).rows)) {
      best = KeySource{current, keys};
    }
    LogicalPlanPtr next;
    if (current->kind == LogicalKind::kJoin || current->kind == LogicalKind::kFilter) {
      for (const auto& input : current->inputs) {
        if (HasColumns(*input, keys)) {
          next = input;
          break;
        }
      }
    } else if (current->kind == LogicalKind::kProject) {
      std::vector<std::string> below;
      for (const auto& key : keys) {
        auto name = PassedThrough(static_cast<const LogicalProject&>(*current), key);
        if (!name) break;
        below.push_back(*name);
      }
      if (below.size() == keys.size()) {
        keys = std::move(below);
        next = current->inputs[0];
      }
    }
    current = next;
  }
  return best;
}

// A copy of `node` (operators are shared between plans, e.g. the two aggregates of a
// NOT IN subquery read one subquery plan, so nothing on the way is changed in place)
// with the semi join inserted as low as `keys` pass through projections: into the
// aggregate's input, or below the projections under it.
arrow::Result<LogicalPlanPtr> WithKeyFilter(const LogicalPlanPtr& node, std::vector<std::string> keys,
                                            bool below_aggregate, const LogicalPlanPtr& source,
                                            const std::vector<std::string>& source_keys) {
  if (node->kind == LogicalKind::kProject) {
    const auto& project = static_cast<const LogicalProject&>(*node);
    std::vector<std::string> below = keys;
    bool passes = true;
    for (auto& key : below) {
      auto name = PassedThrough(project, key);
      passes = passes && name.has_value();
      if (name) key = *name;
    }
    if (passes) {
      auto copy = std::make_shared<LogicalProject>(project);
      ARROW_ASSIGN_OR_RAISE(copy->inputs[0],
                            WithKeyFilter(node->inputs[0], std::move(below), below_aggregate, source, source_keys));
      return copy;
    }
  }
  if (node->kind == LogicalKind::kAggregate && !below_aggregate) {
    auto copy = std::make_shared<LogicalAggregate>(static_cast<const LogicalAggregate&>(*node));
    ARROW_ASSIGN_OR_RAISE(copy->inputs[0], WithKeyFilter(node->inputs[0], std::move(keys), true, source, source_keys));
    return copy;
  }
  if (!below_aggregate) return arrow::Status::Invalid("no aggregate below the join's keys");
  return MakeJoin(LogicalJoinType::kSemi, node, ClonePlan(source), std::move(keys), source_keys, std::nullopt);
}

arrow::Status Reduce(LogicalPlanPtr& node, CardinalityEstimator& estimator) {
  for (auto& input : node->inputs) ARROW_RETURN_NOT_OK(Reduce(input, estimator));
  if (node->kind != LogicalKind::kJoin) return arrow::Status::OK();
  auto& join = static_cast<LogicalJoin&>(*node);
  if ((join.join_type != LogicalJoinType::kInner && join.join_type != LogicalJoinType::kLeft) ||
      join.left_keys.empty() || join.null_equal_keys) {
    return arrow::Status::OK();
  }
  std::vector<std::string> aggregate_keys = join.right_keys;
  auto aggregate = FindGroupingAggregate(join.inputs[1], &aggregate_keys);
  if (!aggregate) return arrow::Status::OK();
  const double aggregated_rows = estimator.Of(aggregate->inputs[0]).rows;
  auto source = SmallestKeySource(join.inputs[0], join.left_keys, kRecomputeBudget * aggregated_rows, estimator);
  if (!source || estimator.Of(source->plan).rows >= kReductionRatio * aggregated_rows) return arrow::Status::OK();
  ARROW_ASSIGN_OR_RAISE(join.inputs[1],
                        WithKeyFilter(join.inputs[1], join.right_keys, false, source->plan, source->keys));
  return arrow::Status::OK();
}

}  // namespace

arrow::Status ReduceAggregatedJoinSides(LogicalPlanPtr& plan, CardinalityEstimator& estimator) {
  return Reduce(plan, estimator);
}

}  // namespace quiver::plan
