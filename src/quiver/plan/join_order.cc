#include "quiver/plan/join_order.h"

#include <arrow/compute/api.h>
#include <arrow/dataset/dataset.h>
#include <arrow/dataset/scanner.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "quiver/plan/plan_builders.h"

namespace quiver::plan {

namespace {

bool IsInnerJoin(const LogicalOperator& node) {
  if (node.kind != LogicalKind::kJoin) return false;
  auto type = static_cast<const LogicalJoin&>(node).join_type;
  return type == LogicalJoinType::kInner || type == LogicalJoinType::kCross;
}

}  // namespace

double EstimateRows(const LogicalOperator& node) {
  switch (node.kind) {
    case LogicalKind::kScan: {
      const auto& scan = static_cast<const LogicalScan&>(node);
      double rows = 0;
      auto fragments = scan.source->dataset()->GetFragments();
      if (scan.source->spec().format != "parquet") {
        // Counting CSV rows means reading the files: assume they are large.
        rows = 1e6 * static_cast<double>(scan.source->file_count());
      } else if (fragments.ok()) {
        for (auto fragment : *fragments) {
          if (!fragment.ok()) break;
          // Parquet answers from its footer.
          auto count = (*fragment)->CountRows(cp::literal(true), std::make_shared<arrow::dataset::ScanOptions>());
          const auto& counted = count.result();
          if (counted.ok() && counted->has_value()) {
            rows += static_cast<double>(**counted);
          } else {
            rows += 1e6;  // no footer count (CSV): assume a large file
          }
        }
      }
      if (scan.filter) rows *= std::pow(0.2, SplitConjunction(*scan.filter).size());
      return std::max(rows, 1.0);
    }
    case LogicalKind::kValues:
      return static_cast<double>(static_cast<const LogicalValues&>(node).table->num_rows());
    case LogicalKind::kMaterialized: {
      // Known once computed; a working table's size changes every round.
      const auto& table = static_cast<const LogicalMaterialized&>(node).slot->table;
      return table ? std::max(static_cast<double>(table->num_rows()), 1.0) : 1000.0;
    }
    case LogicalKind::kFilter:
      return EstimateRows(*node.inputs[0]) * 0.2;
    case LogicalKind::kAggregate: {
      const auto& aggregate = static_cast<const LogicalAggregate&>(node);
      return aggregate.keys.empty() ? 1.0 : EstimateRows(*node.inputs[0]) * 0.5;
    }
    case LogicalKind::kLimit: {
      const auto& limit = static_cast<const LogicalLimit&>(node);
      double input = EstimateRows(*node.inputs[0]);
      return limit.count ? std::min(input, static_cast<double>(*limit.count)) : input;
    }
    case LogicalKind::kJoin: {
      double left = EstimateRows(*node.inputs[0]);
      double right = EstimateRows(*node.inputs[1]);
      const auto& join = static_cast<const LogicalJoin&>(node);
      if (!OutputsRightColumns(join.join_type)) return left;
      return join.left_keys.empty() ? left * right : std::max(left, right);
    }
    default: {
      double rows = 1;
      for (const auto& input : node.inputs) rows = std::max(rows, EstimateRows(*input));
      return rows;
    }
  }
}

namespace {

struct Relation {
  LogicalPlanPtr plan;
  std::set<std::string> columns;
  double rows = 0;
};

// Splits a tree of inner joins into its relations and the conditions between them.
void Flatten(const LogicalPlanPtr& node, std::vector<LogicalPlanPtr>* relations,
             std::vector<cp::Expression>* conditions) {
  if (!IsInnerJoin(*node)) {
    relations->push_back(node);
    return;
  }
  const auto& join = static_cast<const LogicalJoin&>(*node);
  Flatten(join.inputs[0], relations, conditions);
  Flatten(join.inputs[1], relations, conditions);
  for (size_t i = 0; i < join.left_keys.size(); ++i) {
    conditions->push_back(cp::call("equal", {cp::field_ref(join.left_keys[i]), cp::field_ref(join.right_keys[i])}));
  }
  if (join.residual) {
    for (const auto& conjunct : SplitConjunction(*join.residual)) conditions->push_back(RenameColumns(conjunct, {}));
  }
}

bool Covers(const std::set<std::string>& columns, const cp::Expression& condition) {
  for (const auto& name : ReferencedColumns(condition)) {
    if (!columns.count(name)) return false;
  }
  return true;
}

// True if `condition` is left = right between plain columns of the two sides.
bool Connects(const cp::Expression& condition, const std::set<std::string>& left, const std::set<std::string>& right) {
  const auto* call = condition.call();
  if (!call || call->function_name != "equal") return false;
  const auto* a = call->arguments[0].field_ref();
  const auto* b = call->arguments[1].field_ref();
  if (!a || !b || !a->name() || !b->name()) return false;
  return (left.count(*a->name()) && right.count(*b->name())) || (left.count(*b->name()) && right.count(*a->name()));
}

arrow::Result<LogicalPlanPtr> Join(LogicalPlanPtr left, LogicalPlanPtr right,
                                   const std::vector<cp::Expression>& conditions) {
  std::set<std::string> left_columns, right_columns;
  for (const auto& field : left->schema->fields()) left_columns.insert(field->name());
  for (const auto& field : right->schema->fields()) right_columns.insert(field->name());
  std::vector<std::string> left_keys, right_keys;
  std::vector<cp::Expression> residual;
  for (const auto& condition : conditions) {
    if (Connects(condition, left_columns, right_columns)) {
      const auto& args = condition.call()->arguments;
      const std::string& a = *args[0].field_ref()->name();
      const std::string& b = *args[1].field_ref()->name();
      left_keys.push_back(left_columns.count(a) ? a : b);
      right_keys.push_back(left_columns.count(a) ? b : a);
    } else {
      residual.push_back(condition);
    }
  }
  auto type = left_keys.empty() && residual.empty() ? LogicalJoinType::kCross : LogicalJoinType::kInner;
  auto join = std::static_pointer_cast<LogicalJoin>(MakeJoin(type, left, right, left_keys, right_keys, std::nullopt));
  if (!residual.empty()) {
    ARROW_ASSIGN_OR_RAISE(join->residual, JoinConjunction(residual).Bind(*JoinedSchema(*join)));
  }
  return join;
}

}  // namespace

arrow::Result<LogicalPlanPtr> ReorderJoins(LogicalPlanPtr node) {
  for (auto& input : node->inputs) {
    ARROW_ASSIGN_OR_RAISE(input, ReorderJoins(input));
  }
  if (!IsInnerJoin(*node)) return node;

  std::vector<LogicalPlanPtr> plans;
  std::vector<cp::Expression> conditions;
  Flatten(node, &plans, &conditions);
  if (plans.size() < 3) return node;  // two relations: the join as written is as good
  std::vector<Relation> relations;
  for (auto& plan : plans) {
    Relation relation{plan, {}, EstimateRows(*plan)};
    for (const auto& field : plan->schema->fields()) relation.columns.insert(field->name());
    relations.push_back(std::move(relation));
  }

  // Start from the largest relation: it is streamed (probed), never hashed.
  auto largest = std::max_element(relations.begin(), relations.end(),
                                  [](const Relation& a, const Relation& b) { return a.rows < b.rows; });
  Relation current = *largest;
  relations.erase(largest);
  std::vector<bool> used(conditions.size(), false);
  while (!relations.empty()) {
    // The smallest relation connected to what is joined so far; else the smallest.
    auto next = relations.end();
    for (auto it = relations.begin(); it != relations.end(); ++it) {
      bool connected = std::any_of(conditions.begin(), conditions.end(),
                                   [&](const cp::Expression& c) { return Connects(c, current.columns, it->columns); });
      if (!connected) continue;
      if (next == relations.end() || it->rows < next->rows) next = it;
    }
    if (next == relations.end()) {
      next = std::min_element(relations.begin(), relations.end(),
                              [](const Relation& a, const Relation& b) { return a.rows < b.rows; });
    }
    std::set<std::string> columns = current.columns;
    columns.insert(next->columns.begin(), next->columns.end());
    std::vector<cp::Expression> applicable;
    for (size_t i = 0; i < conditions.size(); ++i) {
      if (!used[i] && Covers(columns, conditions[i])) {
        applicable.push_back(conditions[i]);
        used[i] = true;
      }
    }
    ARROW_ASSIGN_OR_RAISE(current.plan, Join(current.plan, next->plan, applicable));
    current.columns = std::move(columns);
    current.rows = std::max(current.rows, next->rows);
    relations.erase(next);
  }
  // Conditions over columns of one relation only were pushed into it before; any left
  // (there should be none) still hold as a filter on the result.
  std::vector<cp::Expression> remaining;
  for (size_t i = 0; i < conditions.size(); ++i) {
    if (!used[i]) remaining.push_back(conditions[i]);
  }
  if (!remaining.empty()) return MakeFilter(current.plan, JoinConjunction(remaining));
  return current.plan;
}

}  // namespace quiver::plan
