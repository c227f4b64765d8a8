#include "quiver/plan/join_order.h"

#include <arrow/compute/api.h>

#include <algorithm>
#include <bit>
#include <limits>
#include <numeric>
#include <set>

#include "quiver/plan/plan_builders.h"

namespace quiver::plan {

namespace {

using Mask = uint32_t;

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

// True if `condition` is left = right between plain columns of the two sides.
bool IsKeyBetween(const cp::Expression& condition, const std::set<std::string>& left,
                  const std::set<std::string>& right) {
  const auto* call = condition.call();
  if (!call || call->function_name != "equal") return false;
  const auto* a = call->arguments[0].field_ref();
  const auto* b = call->arguments[1].field_ref();
  if (!a || !b || !a->name() || !b->name()) return false;
  return (left.count(*a->name()) && right.count(*b->name())) || (left.count(*b->name()) && right.count(*a->name()));
}

std::set<std::string> ColumnsOf(const LogicalOperator& node) {
  std::set<std::string> columns;
  for (const auto& field : node.schema->fields()) columns.insert(field->name());
  return columns;
}

// A join of `probe` and `build` on `conditions`: column equalities become hash keys,
// the rest the residual.
arrow::Result<LogicalPlanPtr> Join(LogicalPlanPtr probe, LogicalPlanPtr build,
                                   const std::vector<cp::Expression>& conditions) {
  auto probe_columns = ColumnsOf(*probe), build_columns = ColumnsOf(*build);
  std::vector<std::string> probe_keys, build_keys;
  std::vector<cp::Expression> residual;
  for (const auto& condition : conditions) {
    if (IsKeyBetween(condition, probe_columns, build_columns)) {
      const auto& args = condition.call()->arguments;
      const std::string& a = *args[0].field_ref()->name();
      const std::string& b = *args[1].field_ref()->name();
      probe_keys.push_back(probe_columns.count(a) ? a : b);
      build_keys.push_back(probe_columns.count(a) ? b : a);
    } else {
      residual.push_back(condition);
    }
  }
  auto type = probe_keys.empty() && residual.empty() ? LogicalJoinType::kCross : LogicalJoinType::kInner;
  auto join = std::static_pointer_cast<LogicalJoin>(MakeJoin(type, probe, build, probe_keys, build_keys, std::nullopt));
  if (!residual.empty()) {
    ARROW_ASSIGN_OR_RAISE(join->residual, JoinConjunction(residual).Bind(*JoinedSchema(*join)));
  }
  return join;
}

// The best way found to join a set of relations.
struct Subplan {
  bool valid = false;
  double cost = 0;
  Estimate estimate;
  Mask left = 0, right = 0;  // the split; both 0 for a single relation
};

class JoinOrderer {
 public:
  JoinOrderer(std::vector<LogicalPlanPtr> relations, std::vector<cp::Expression> conditions,
              CardinalityEstimator& estimator)
      : relations_(std::move(relations)), conditions_(std::move(conditions)) {
    std::vector<std::set<std::string>> columns;
    for (const auto& relation : relations_) columns.push_back(ColumnsOf(*relation));
    for (const auto& condition : conditions_) {
      Mask mask = 0;
      for (const auto& name : ReferencedColumns(condition)) {
        for (size_t i = 0; i < columns.size(); ++i) {
          if (columns[i].count(name)) mask |= Mask{1} << i;
        }
      }
      condition_masks_.push_back(mask);
    }
    for (size_t i = 0; i < relations_.size(); ++i) {
      single_.push_back(estimator.Of(relations_[i]));
    }
  }

  arrow::Result<LogicalPlanPtr> Run() {
    // Relations linked by conditions form components; each is ordered on its own.
    std::vector<Mask> components = Components();
    std::vector<std::pair<Subplan, Mask>> parts;
    for (Mask component : components) {
      const auto size = static_cast<size_t>(std::popcount(component));
      auto best = size <= kMaxExhaustiveRelations ? Exhaustive(component) : Greedy(component);
      // A condition over three or more relations links them with no pair connected.
      if (!best[component].valid) best = Greedy(component);
      parts.emplace_back(best[component], component);
      best_.insert(best.begin(), best.end());
    }
    // Cross products last, smallest first, each new part hashed when it is smaller.
    std::sort(parts.begin(), parts.end(),
              [](const auto& a, const auto& b) { return a.first.estimate.rows < b.first.estimate.rows; });
    ARROW_ASSIGN_OR_RAISE(auto plan, Build(parts[0].second));
    double rows = parts[0].first.estimate.rows;
    Mask joined = parts[0].second;
    for (size_t i = 1; i < parts.size(); ++i) {
      ARROW_ASSIGN_OR_RAISE(auto next, Build(parts[i].second));
      auto conditions = ConditionsBetween(joined, parts[i].second);
      bool next_smaller = parts[i].first.estimate.rows <= rows;
      ARROW_ASSIGN_OR_RAISE(plan, next_smaller ? Join(plan, next, conditions) : Join(next, plan, conditions));
      rows *= parts[i].first.estimate.rows;
      joined |= parts[i].second;
    }
    // Conditions over one relation only were pushed into it before; any left (there
    // should be none) still hold as a filter on the result.
    std::vector<cp::Expression> remaining;
    for (size_t i = 0; i < conditions_.size(); ++i) {
      if (!used_.count(i)) remaining.push_back(conditions_[i]);
    }
    if (!remaining.empty()) return MakeFilter(plan, JoinConjunction(remaining));
    return plan;
  }

 private:
  std::vector<Mask> Components() const {
    std::vector<Mask> components;
    for (size_t i = 0; i < relations_.size(); ++i) components.push_back(Mask{1} << i);
    for (Mask condition : condition_masks_) {
      Mask merged = 0;
      std::vector<Mask> rest;
      for (Mask component : components) {
        if (component & condition) {
          merged |= component;
        } else {
          rest.push_back(component);
        }
      }
      if (merged) rest.push_back(merged);
      components = std::move(rest);
    }
    return components;
  }

  // Conditions that become checkable when `left` and `right` meet: they read both.
  std::vector<cp::Expression> ConditionsBetween(Mask left, Mask right) {
    std::vector<cp::Expression> out;
    for (size_t i = 0; i < conditions_.size(); ++i) {
      Mask mask = condition_masks_[i];
      if ((mask & ~(left | right)) == 0 && (mask & left) && (mask & right)) {
        out.push_back(conditions_[i]);
        used_.insert(i);
      }
    }
    return out;
  }

  bool Connected(Mask left, Mask right) const {
    return std::any_of(condition_masks_.begin(), condition_masks_.end(),
                       [&](Mask mask) { return (mask & ~(left | right)) == 0 && (mask & left) && (mask & right); });
  }

  std::vector<cp::Expression> ConditionsFor(Mask left, Mask right) const {
    std::vector<cp::Expression> out;
    for (size_t i = 0; i < conditions_.size(); ++i) {
      Mask mask = condition_masks_[i];
      if ((mask & ~(left | right)) == 0 && (mask & left) && (mask & right)) out.push_back(conditions_[i]);
    }
    return out;
  }

  void Consider(std::map<Mask, Subplan>& best, Mask left, Mask right) {
    const Subplan& a = best[left];
    const Subplan& b = best[right];
    Subplan& target = best[left | right];
    if (!target.valid) {
      // A set's size does not depend on the order it is joined in: estimate it once.
      target.estimate = CardinalityEstimator::InnerJoin(a.estimate, b.estimate, ConditionsFor(left, right));
    }
    double cost = a.cost + b.cost + target.estimate.rows + std::min(a.estimate.rows, b.estimate.rows);
    if (!target.valid || cost < target.cost) {
      target.valid = true;
      target.cost = cost;
      target.left = left;
      target.right = right;
    }
  }

  std::map<Mask, Subplan> Singles(Mask component) const {
    std::map<Mask, Subplan> best;
    for (size_t i = 0; i < relations_.size(); ++i) {
      if (component & (Mask{1} << i)) best[Mask{1} << i] = Subplan{true, 0, single_[i], 0, 0};
    }
    return best;
  }

  std::map<Mask, Subplan> Exhaustive(Mask component) {
    std::map<Mask, Subplan> best = Singles(component);
    // Subsets of the component in increasing order: every proper subset comes first.
    std::vector<Mask> subsets;
    for (Mask set = component;; set = (set - 1) & component) {
      if (std::popcount(set) > 1) subsets.push_back(set);
      if (set == 0) break;
    }
    std::sort(subsets.begin(), subsets.end(), [](Mask a, Mask b) { return std::popcount(a) < std::popcount(b); });
    for (Mask set : subsets) {
      for (Mask left = (set - 1) & set; left > 0; left = (left - 1) & set) {
        Mask right = set ^ left;
        if (left < right) continue;  // each split once; sides are chosen by size later
        auto a = best.find(left), b = best.find(right);
        if (a == best.end() || b == best.end() || !a->second.valid || !b->second.valid) continue;
        if (!Connected(left, right)) continue;
        Consider(best, left, right);
      }
    }
    return best;
  }

  std::map<Mask, Subplan> Greedy(Mask component) {
    std::map<Mask, Subplan> best = Singles(component);
    std::vector<Mask> pieces;
    for (const auto& [mask, unused] : best) pieces.push_back(mask);
    while (pieces.size() > 1) {
      double smallest = std::numeric_limits<double>::infinity();
      size_t pick_a = 0, pick_b = 0;
      for (size_t i = 0; i < pieces.size(); ++i) {
        for (size_t j = i + 1; j < pieces.size(); ++j) {
          if (!Connected(pieces[i], pieces[j])) continue;
          double rows = CardinalityEstimator::InnerJoin(best[pieces[i]].estimate, best[pieces[j]].estimate,
                                                        ConditionsFor(pieces[i], pieces[j]))
                            .rows;
          if (rows < smallest) smallest = rows, pick_a = i, pick_b = j;
        }
      }
      if (smallest == std::numeric_limits<double>::infinity()) {
        // No pair is linked on its own (a condition over three relations): join the
        // two smallest pieces.
        std::vector<size_t> order(pieces.size());
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(),
                  [&](size_t a, size_t b) { return best[pieces[a]].estimate.rows < best[pieces[b]].estimate.rows; });
        pick_a = std::min(order[0], order[1]);
        pick_b = std::max(order[0], order[1]);
      }
      Consider(best, pieces[pick_a], pieces[pick_b]);
      pieces[pick_a] |= pieces[pick_b];
      pieces.erase(pieces.begin() + static_cast<std::ptrdiff_t>(pick_b));
    }
    return best;
  }

  arrow::Result<LogicalPlanPtr> Build(Mask mask) {
    const Subplan& plan = best_.at(mask);
    if (plan.left == 0) return relations_[std::countr_zero(mask)];
    ARROW_ASSIGN_OR_RAISE(auto left, Build(plan.left));
    ARROW_ASSIGN_OR_RAISE(auto right, Build(plan.right));
    auto conditions = ConditionsBetween(plan.left, plan.right);
    // Acero hashes the right input: put the smaller side there.
    if (best_.at(plan.left).estimate.rows < best_.at(plan.right).estimate.rows) std::swap(left, right);
    return Join(left, right, conditions);
  }

  std::vector<LogicalPlanPtr> relations_;
  std::vector<cp::Expression> conditions_;
  std::vector<Mask> condition_masks_;
  std::vector<Estimate> single_;
  std::map<Mask, Subplan> best_;
  std::set<size_t> used_;
};

}  // namespace

arrow::Result<LogicalPlanPtr> ReorderJoins(LogicalPlanPtr node, CardinalityEstimator& estimator) {
  if (!IsInnerJoin(*node)) {
    for (auto& input : node->inputs) {
      ARROW_ASSIGN_OR_RAISE(input, ReorderJoins(input, estimator));
    }
    return node;
  }
  std::vector<LogicalPlanPtr> relations;
  std::vector<cp::Expression> conditions;
  Flatten(node, &relations, &conditions);
  for (auto& relation : relations) {
    ARROW_ASSIGN_OR_RAISE(relation, ReorderJoins(relation, estimator));
  }
  if (relations.size() > 32) return node;  // beyond a mask's bits: keep the order as written
  JoinOrderer orderer(std::move(relations), std::move(conditions), estimator);
  ARROW_ASSIGN_OR_RAISE(auto reordered, orderer.Run());
  // Operators above may read columns by position (a union's inputs): keep the order.
  std::vector<std::string> names;
  for (const auto& field : node->schema->fields()) names.push_back(field->name());
  std::vector<std::string> reordered_names;
  for (const auto& field : reordered->schema->fields()) reordered_names.push_back(field->name());
  if (names == reordered_names) return reordered;
  return MakeColumnSelection(reordered, names);
}

}  // namespace quiver::plan
