#include "quiver/plan/optimizer.h"

#include <arrow/compute/api.h>

#include <algorithm>
#include <optional>
#include <set>

#include "quiver/plan/cardinality.h"
#include "quiver/plan/common_subexpressions.h"
#include "quiver/plan/join_key_reduction.h"
#include "quiver/plan/join_order.h"
#include "quiver/plan/plan_builders.h"
#include "quiver/plan/scan_filter_order.h"
#include "quiver/plan/simplify_plan.h"

namespace quiver::plan {

namespace {

using ColumnSet = std::set<std::string>;

ColumnSet FieldNames(const arrow::Schema& schema) {
  ColumnSet names;
  for (const auto& field : schema.fields()) names.insert(field->name());
  return names;
}

bool ReadsOnly(const cp::Expression& expr, const ColumnSet& columns) {
  for (const auto& name : ReferencedColumns(expr)) {
    if (!columns.count(name)) return false;
  }
  return true;
}

// ---- filter pushdown -------------------------------------------------------------------

// (A AND B) OR (A AND C) → A AND (B OR C), which holds in SQL's three-valued logic too.
// The common conjunct A can then move down on its own: a join condition repeated in
// every branch of an OR (TPC-H Q19) becomes a hash key instead of a filter over a cross
// join.
cp::Expression FactorCommonConjuncts(const cp::Expression& expr) {
  auto disjuncts = SplitDisjunction(expr);
  if (disjuncts.size() < 2) return expr;
  std::vector<std::vector<cp::Expression>> branches;
  for (const auto& disjunct : disjuncts) branches.push_back(SplitConjunction(disjunct));
  std::vector<cp::Expression> common;
  for (const auto& candidate : branches[0]) {
    bool everywhere = std::all_of(branches.begin() + 1, branches.end(), [&](const auto& branch) {
      return std::any_of(branch.begin(), branch.end(), [&](const auto& c) { return c.Equals(candidate); });
    });
    if (everywhere && std::none_of(common.begin(), common.end(), [&](const auto& c) { return c.Equals(candidate); })) {
      common.push_back(candidate);
    }
  }
  if (common.empty()) return expr;
  std::vector<cp::Expression> rests;
  for (const auto& branch : branches) {
    std::vector<cp::Expression> rest;
    for (const auto& conjunct : branch) {
      if (std::none_of(common.begin(), common.end(), [&](const auto& c) { return c.Equals(conjunct); })) {
        rest.push_back(conjunct);
      }
    }
    // A branch that is only the common part makes the whole OR true.
    if (rest.empty()) return JoinConjunction(common);
    rests.push_back(JoinConjunction(rest));
  }
  cp::Expression remainder = rests[0];
  for (size_t i = 1; i < rests.size(); ++i) remainder = cp::call("or_kleene", {remainder, rests[i]});
  common.push_back(remainder);
  return JoinConjunction(common);
}

// (a1 AND b1) OR (a2 AND b2), where a1 and a2 read one side of a join only, implies
// a1 OR a2 on that side: that side can be filtered before the join while the whole
// condition still applies above it. TPC-H Q7 and Q19 filter their small tables so.
std::optional<cp::Expression> ImpliedOnSide(const cp::Expression& condition, const ColumnSet& side) {
  auto disjuncts = SplitDisjunction(condition);
  if (disjuncts.size() < 2) return std::nullopt;
  std::optional<cp::Expression> implied;
  for (const auto& disjunct : disjuncts) {
    std::vector<cp::Expression> on_side;
    for (const auto& conjunct : SplitConjunction(disjunct)) {
      if (ReadsOnly(conjunct, side)) on_side.push_back(conjunct);
    }
    if (on_side.empty()) return std::nullopt;  // this branch says nothing about the side
    auto part = JoinConjunction(on_side);
    implied = implied ? cp::call("or_kleene", {*implied, part}) : part;
  }
  return implied;
}

LogicalPlanPtr PushFilters(LogicalPlanPtr node, std::vector<cp::Expression> pending);

// Wraps `node` in a filter of the conjuncts that could not go lower.
LogicalPlanPtr FilterAbove(LogicalPlanPtr node, const std::vector<cp::Expression>& conjuncts) {
  if (conjuncts.empty()) return node;
  auto filter = MakeFilter(node, JoinConjunction(conjuncts));
  return filter.ok() ? *filter : node;
}

LogicalPlanPtr PushIntoScan(std::shared_ptr<LogicalScan> scan, std::vector<cp::Expression> pending) {
  if (pending.empty()) return scan;
  // Rename plan columns to file columns; the scan applies the filter exactly.
  std::map<std::string, std::string> renames;
  for (int i = 0; i < scan->schema->num_fields(); ++i) renames[scan->schema->field(i)->name()] = scan->columns[i];
  std::vector<cp::Expression> conjuncts;
  if (scan->filter) conjuncts.push_back(*scan->filter);
  for (const auto& conjunct : pending) conjuncts.push_back(RenameColumns(conjunct, renames));
  auto bound = JoinConjunction(conjuncts).Bind(*scan->source->schema());
  if (!bound.ok()) return FilterAbove(scan, pending);
  scan->filter = *bound;
  return scan;
}

LogicalPlanPtr PushIntoJoin(std::shared_ptr<LogicalJoin> join, std::vector<cp::Expression> pending) {
  ColumnSet left_columns = FieldNames(*join->inputs[0]->schema);
  ColumnSet right_columns = FieldNames(*join->inputs[1]->schema);
  const LogicalJoinType type = join->join_type;
  const bool inner = type == LogicalJoinType::kInner || type == LogicalJoinType::kCross;
  // A WHERE conjunct may move to a side whose rows the join never invents: either side
  // of an inner join, the preserved side of an outer join, the left of a semi or anti
  // join (whose output is left rows).
  const bool left_ok =
      inner || type == LogicalJoinType::kLeft || type == LogicalJoinType::kSemi || type == LogicalJoinType::kAnti;
  const bool right_ok = inner || type == LogicalJoinType::kRight;
  std::vector<cp::Expression> to_left, to_right, stay;
  for (auto& conjunct : pending) {
    if (ReadsOnly(conjunct, left_columns) || ReadsOnly(conjunct, right_columns)) continue;
    if (auto implied = left_ok ? ImpliedOnSide(conjunct, left_columns) : std::nullopt) to_left.push_back(*implied);
    if (auto implied = right_ok ? ImpliedOnSide(conjunct, right_columns) : std::nullopt) to_right.push_back(*implied);
  }
  for (auto& conjunct : pending) {
    if (left_ok && ReadsOnly(conjunct, left_columns)) {
      to_left.push_back(conjunct);
    } else if (right_ok && ReadsOnly(conjunct, right_columns)) {
      to_right.push_back(conjunct);
    } else if (inner) {
      // An equality across the sides becomes a hash key; the rest a residual filter.
      const auto* call = conjunct.call();
      if (call && call->function_name == "equal") {
        const auto& a = call->arguments[0];
        const auto& b = call->arguments[1];
        if (a.field_ref() && b.field_ref()) {
          const std::string& an = *a.field_ref()->name();
          const std::string& bn = *b.field_ref()->name();
          if (left_columns.count(an) && right_columns.count(bn)) {
            join->left_keys.push_back(an);
            join->right_keys.push_back(bn);
            join->join_type = LogicalJoinType::kInner;
            continue;
          }
          if (left_columns.count(bn) && right_columns.count(an)) {
            join->left_keys.push_back(bn);
            join->right_keys.push_back(an);
            join->join_type = LogicalJoinType::kInner;
            continue;
          }
        }
      }
      stay.push_back(conjunct);
    } else {
      stay.push_back(conjunct);
    }
  }
  if (inner && !stay.empty()) {
    // The remaining cross-side conditions join the residual (beside the hash keys, or as
    // the condition of a nested-loop join): a join with its condition stays one join
    // that join ordering can move, where a filter over a cross join would pin it.
    if (join->residual) stay.push_back(*join->residual);
    auto bound = JoinConjunction(stay).Bind(*JoinedSchema(*join));
    if (bound.ok()) {
      join->residual = *bound;
      join->join_type = LogicalJoinType::kInner;
      stay.clear();
    }
  }
  // Residual conditions that read one side only can filter that side first where that
  // keeps the join's answer: a condition on the side whose unmatched rows are dropped
  // anyway (either side of inner joins, the right of left/semi/anti joins, the left of
  // right joins, and the left of semi joins, whose left rows without a match go).
  const bool residual_left_ok = inner || type == LogicalJoinType::kRight || type == LogicalJoinType::kSemi;
  const bool residual_right_ok =
      inner || type == LogicalJoinType::kLeft || type == LogicalJoinType::kSemi || type == LogicalJoinType::kAnti;
  if (join->residual) {
    std::vector<cp::Expression> keep;
    for (auto& conjunct : SplitConjunction(*join->residual)) {
      if (residual_left_ok && ReadsOnly(conjunct, left_columns)) {
        to_left.push_back(conjunct);
      } else if (residual_right_ok && ReadsOnly(conjunct, right_columns)) {
        to_right.push_back(conjunct);
      } else {
        keep.push_back(conjunct);
      }
    }
    if (keep.empty()) {
      join->residual.reset();
    } else {
      auto bound = JoinConjunction(keep).Bind(*JoinedSchema(*join));
      if (bound.ok()) join->residual = *bound;
    }
  }
  join->inputs[0] = PushFilters(join->inputs[0], std::move(to_left));
  join->inputs[1] = PushFilters(join->inputs[1], std::move(to_right));
  return FilterAbove(join, stay);
}

LogicalPlanPtr PushFilters(LogicalPlanPtr node, std::vector<cp::Expression> pending) {
  switch (node->kind) {
    case LogicalKind::kFilter: {
      for (auto& conjunct : SplitConjunction(static_cast<LogicalFilter&>(*node).predicate)) {
        for (auto& part : SplitConjunction(FactorCommonConjuncts(conjunct))) pending.push_back(part);
      }
      return PushFilters(node->inputs[0], std::move(pending));
    }
    case LogicalKind::kScan:
      return PushIntoScan(std::static_pointer_cast<LogicalScan>(node), std::move(pending));
    case LogicalKind::kJoin:
      return PushIntoJoin(std::static_pointer_cast<LogicalJoin>(node), std::move(pending));
    case LogicalKind::kProject: {
      // Conjuncts over columns the projection passes through unchanged can go below it.
      auto& project = static_cast<LogicalProject&>(*node);
      std::map<std::string, std::string> passthrough;
      for (size_t i = 0; i < project.expressions.size(); ++i) {
        if (const auto* ref = project.expressions[i].field_ref()) {
          if (ref->name()) passthrough[project.schema->field(static_cast<int>(i))->name()] = *ref->name();
        }
      }
      std::vector<cp::Expression> below, stay;
      for (auto& conjunct : pending) {
        bool movable = true;
        for (const auto& name : ReferencedColumns(conjunct)) movable = movable && passthrough.count(name);
        if (movable) {
          auto renamed = RenameColumns(conjunct, passthrough).Bind(*node->inputs[0]->schema);
          if (renamed.ok()) {
            below.push_back(*renamed);
            continue;
          }
        }
        stay.push_back(conjunct);
      }
      node->inputs[0] = PushFilters(node->inputs[0], std::move(below));
      return FilterAbove(node, stay);
    }
    case LogicalKind::kAggregate:
    case LogicalKind::kWindow:
    case LogicalKind::kSort: {
      // A condition on grouping keys (window partition keys) keeps or drops whole
      // groups, so it may filter the input instead; a sort keeps every row.
      ColumnSet keys;
      if (node->kind == LogicalKind::kAggregate) {
        const auto& aggregate = static_cast<LogicalAggregate&>(*node);
        keys.insert(aggregate.keys.begin(), aggregate.keys.end());
      } else if (node->kind == LogicalKind::kWindow) {
        const auto& window = static_cast<LogicalWindow&>(*node);
        keys.insert(window.partition_by.begin(), window.partition_by.end());
      } else {
        keys = FieldNames(*node->schema);
      }
      std::vector<cp::Expression> below, stay;
      for (auto& conjunct : pending) {
        const bool on_keys = !ReferencedColumns(conjunct).empty() && ReadsOnly(conjunct, keys);
        (on_keys ? below : stay).push_back(conjunct);
      }
      node->inputs[0] = PushFilters(node->inputs[0], std::move(below));
      return FilterAbove(node, stay);
    }
    case LogicalKind::kUnion: {
      // Each input gets the condition over its own columns (matched by position).
      for (auto& input : node->inputs) {
        std::map<std::string, std::string> renames;
        for (int i = 0; i < node->schema->num_fields(); ++i) {
          renames[node->schema->field(i)->name()] = input->schema->field(i)->name();
        }
        std::vector<cp::Expression> renamed;
        for (const auto& conjunct : pending) renamed.push_back(RenameColumns(conjunct, renames));
        input = PushFilters(input, std::move(renamed));
      }
      return node;
    }
    case LogicalKind::kSetFunction: {
      // A condition on the input's columns holds for all of an input row's elements or
      // for none of them: it may filter the input rows instead.
      const ColumnSet input_columns = FieldNames(*node->inputs[0]->schema);
      std::vector<cp::Expression> below, stay;
      for (auto& conjunct : pending) {
        const bool on_input = !ReferencedColumns(conjunct).empty() && ReadsOnly(conjunct, input_columns);
        (on_input ? below : stay).push_back(conjunct);
      }
      node->inputs[0] = PushFilters(node->inputs[0], std::move(below));
      return FilterAbove(node, stay);
    }
    default: {
      // Other operators change which rows exist (limits) or are leaves.
      for (auto& input : node->inputs) input = PushFilters(input, {});
      return FilterAbove(node, pending);
    }
  }
}

// ---- semi and anti join pushdown ---------------------------------------------------------

// A semi join stays above an inner join that keeps less than this share of the rows of
// the side the semi join would move to.
constexpr double kSemiJoinPushdownShrink = 0.5;

// (A JOIN B) SEMI JOIN C ON a = c keeps the rows of A JOIN B whose A part has a match
// in C, which is (A SEMI JOIN C) JOIN B; likewise for anti joins. Moving the semi join
// next to the relation it tests filters that relation before the inner join builds or
// probes with it (TPC-H Q18's IN subquery, Q21's EXISTS).
//
// Not when the inner join is estimated to drop most of that relation's rows (a join
// with a filtered dimension, TPC-H Q21): then testing after the join tests fewer rows.
arrow::Result<LogicalPlanPtr> PushSemiJoinDown(std::shared_ptr<LogicalJoin> semi, CardinalityEstimator& estimator) {
  if (!IsInnerJoin(*semi->inputs[0])) return semi;
  auto inner = std::static_pointer_cast<LogicalJoin>(semi->inputs[0]);
  ColumnSet needed(semi->left_keys.begin(), semi->left_keys.end());
  ColumnSet right_columns = FieldNames(*semi->inputs[1]->schema);
  if (semi->residual) {
    for (auto& name : ReferencedColumns(*semi->residual)) {
      if (!right_columns.count(name)) needed.insert(name);
    }
  }
  for (int side = 0; side < 2; ++side) {
    ColumnSet side_columns = FieldNames(*inner->inputs[side]->schema);
    if (!std::all_of(needed.begin(), needed.end(), [&](const std::string& name) { return side_columns.count(name); })) {
      continue;
    }
    if (estimator.Of(inner).rows < kSemiJoinPushdownShrink * estimator.Of(inner->inputs[side]).rows) return semi;
    auto moved = std::static_pointer_cast<LogicalJoin>(MakeJoin(semi->join_type, inner->inputs[side], semi->inputs[1],
                                                                semi->left_keys, semi->right_keys, std::nullopt));
    moved->null_equal_keys = semi->null_equal_keys;
    if (semi->residual) {
      ARROW_ASSIGN_OR_RAISE(moved->residual, semi->residual->Bind(*JoinedSchema(*moved)));
    }
    ARROW_ASSIGN_OR_RAISE(inner->inputs[side], PushSemiJoinDown(moved, estimator));
    return inner;
  }
  return semi;
}

arrow::Status PushSemiJoins(LogicalPlanPtr& node) {
  for (auto& input : node->inputs) ARROW_RETURN_NOT_OK(PushSemiJoins(input));
  if (node->kind != LogicalKind::kJoin) return arrow::Status::OK();
  auto join = std::static_pointer_cast<LogicalJoin>(node);
  if (join->join_type != LogicalJoinType::kSemi && join->join_type != LogicalJoinType::kAnti) {
    return arrow::Status::OK();
  }
  // A fresh estimator: earlier moves changed operators a previous one has estimated.
  CardinalityEstimator estimator(KeyColumns(*node));
  ARROW_ASSIGN_OR_RAISE(node, PushSemiJoinDown(join, estimator));
  return arrow::Status::OK();
}

// ---- projection pruning ----------------------------------------------------------------

void AddColumns(const cp::Expression& expr, ColumnSet* out) {
  for (auto& name : ReferencedColumns(expr)) out->insert(name);
}

arrow::Status Prune(LogicalPlanPtr& node, const ColumnSet& required, bool is_root);

// For leaves that read columns of a source (`columns[i]` behind output field i): keeps
// the required ones (all at the root); with none required, still one, for the row count.
template <typename Leaf>
void KeepRequiredColumns(Leaf& leaf, const ColumnSet& required, bool keep_all) {
  decltype(leaf.columns) columns;
  arrow::FieldVector fields;
  for (int i = 0; i < leaf.schema->num_fields(); ++i) {
    if (!keep_all && !required.count(leaf.schema->field(i)->name())) continue;
    columns.push_back(leaf.columns[i]);
    fields.push_back(leaf.schema->field(i));
  }
  if (columns.empty() && !leaf.columns.empty()) {
    columns.push_back(leaf.columns[0]);
    fields.push_back(leaf.schema->field(0));
  }
  leaf.columns = std::move(columns);
  leaf.schema = arrow::schema(std::move(fields));
}

arrow::Status PruneProject(LogicalPlanPtr& node, const ColumnSet& required, bool is_root) {
  auto& project = static_cast<LogicalProject&>(*node);
  std::vector<cp::Expression> expressions;
  arrow::FieldVector fields;
  ColumnSet below;
  for (size_t i = 0; i < project.expressions.size(); ++i) {
    const auto& field = project.schema->field(static_cast<int>(i));
    if (!is_root && !required.count(field->name())) continue;
    expressions.push_back(project.expressions[i]);
    fields.push_back(field);
    AddColumns(project.expressions[i], &below);
  }
  if (expressions.empty() && !project.expressions.empty()) {
    // Something above needs the row count only: keep the cheapest column.
    expressions.push_back(project.expressions[0]);
    fields.push_back(project.schema->field(0));
    AddColumns(project.expressions[0], &below);
  }
  ARROW_RETURN_NOT_OK(Prune(project.inputs[0], below, false));
  for (auto& expression : expressions) {
    ARROW_ASSIGN_OR_RAISE(expression, expression.Bind(*project.inputs[0]->schema));
  }
  project.expressions = std::move(expressions);
  project.schema = arrow::schema(std::move(fields));
  return arrow::Status::OK();
}

arrow::Status Prune(LogicalPlanPtr& node, const ColumnSet& required, bool is_root) {
  switch (node->kind) {
    case LogicalKind::kProject:
      return PruneProject(node, required, is_root);
    case LogicalKind::kScan:
      KeepRequiredColumns(static_cast<LogicalScan&>(*node), required, false);
      return arrow::Status::OK();
    case LogicalKind::kFilter: {
      auto& filter = static_cast<LogicalFilter&>(*node);
      ColumnSet below = required;
      AddColumns(filter.predicate, &below);
      ARROW_RETURN_NOT_OK(Prune(node->inputs[0], below, false));
      node->schema = node->inputs[0]->schema;
      ARROW_ASSIGN_OR_RAISE(filter.predicate, filter.predicate.Bind(*node->schema));
      return arrow::Status::OK();
    }
    case LogicalKind::kSort: {
      auto& sort = static_cast<LogicalSort&>(*node);
      ColumnSet below = required;
      for (const auto& key : sort.keys) below.insert(*key.target.name());
      ARROW_RETURN_NOT_OK(Prune(node->inputs[0], below, false));
      node->schema = node->inputs[0]->schema;
      return arrow::Status::OK();
    }
    case LogicalKind::kLimit: {
      ARROW_RETURN_NOT_OK(Prune(node->inputs[0], required, false));
      node->schema = node->inputs[0]->schema;
      return arrow::Status::OK();
    }
    case LogicalKind::kAggregate: {
      auto& aggregate = static_cast<LogicalAggregate&>(*node);
      std::vector<AggregateCall> calls;
      ColumnSet below(aggregate.keys.begin(), aggregate.keys.end());
      for (const auto& call : aggregate.aggregates) {
        if (!required.count(call.output) && !is_root) continue;
        calls.push_back(call);
        if (!call.input.empty()) below.insert(call.input);
      }
      aggregate.aggregates = std::move(calls);
      arrow::FieldVector fields;
      for (const auto& field : aggregate.schema->fields()) {
        bool is_key = std::find(aggregate.keys.begin(), aggregate.keys.end(), field->name()) != aggregate.keys.end();
        bool is_kept = std::any_of(aggregate.aggregates.begin(), aggregate.aggregates.end(),
                                   [&](const AggregateCall& c) { return c.output == field->name(); });
        if (is_key || is_kept) fields.push_back(field);
      }
      aggregate.schema = arrow::schema(std::move(fields));
      return Prune(node->inputs[0], below, false);
    }
    case LogicalKind::kJoin: {
      auto& join = static_cast<LogicalJoin&>(*node);
      ColumnSet below = required;
      for (const auto& key : join.left_keys) below.insert(key);
      for (const auto& key : join.right_keys) below.insert(key);
      if (join.residual) AddColumns(*join.residual, &below);
      ARROW_RETURN_NOT_OK(Prune(join.inputs[0], below, false));
      ARROW_RETURN_NOT_OK(Prune(join.inputs[1], below, false));
      auto fields = join.inputs[0]->schema->fields();
      if (OutputsRightColumns(join.join_type)) {
        for (const auto& field : join.inputs[1]->schema->fields()) fields.push_back(field);
      }
      join.schema = arrow::schema(std::move(fields));
      if (join.residual) {
        ARROW_ASSIGN_OR_RAISE(join.residual, join.residual->Bind(*JoinedSchema(join)));
      }
      return arrow::Status::OK();
    }
    case LogicalKind::kUnion: {
      // Columns match by position across inputs: keep them all.
      for (auto& input : node->inputs) {
        ARROW_RETURN_NOT_OK(Prune(input, FieldNames(*input->schema), true));
      }
      return arrow::Status::OK();
    }
    case LogicalKind::kValues:
      return arrow::Status::OK();
    case LogicalKind::kMaterialized:
      KeepRequiredColumns(static_cast<LogicalMaterialized&>(*node), required, is_root);
      return arrow::Status::OK();
    case LogicalKind::kSetFunction: {
      // The function's columns stay (the operator decides how many rows there are);
      // the input keeps what is needed above and what the arguments read.
      auto& function = static_cast<LogicalSetFunction&>(*node);
      const ColumnSet input_columns = FieldNames(*node->inputs[0]->schema);
      ColumnSet below;
      for (const auto& name : required) {
        if (input_columns.count(name)) below.insert(name);
      }
      for (const auto& argument : function.arguments) AddColumns(argument, &below);
      ARROW_RETURN_NOT_OK(Prune(node->inputs[0], below, false));
      for (auto& argument : function.arguments) {
        ARROW_ASSIGN_OR_RAISE(argument, argument.Bind(*node->inputs[0]->schema));
      }
      auto fields = node->inputs[0]->schema->fields();
      for (const auto& output : function.outputs) fields.push_back(function.schema->GetFieldByName(output));
      if (!function.ordinality.empty()) fields.push_back(function.schema->GetFieldByName(function.ordinality));
      function.schema = arrow::schema(std::move(fields));
      return arrow::Status::OK();
    }
    case LogicalKind::kWindow: {
      auto& window = static_cast<LogicalWindow&>(*node);
      std::vector<WindowFunctionCall> calls;
      ColumnSet below = required;
      for (const auto& call : window.calls) {
        if (!is_root && !required.count(call.output)) continue;
        calls.push_back(call);
        below.insert(call.arguments.begin(), call.arguments.end());
      }
      if (calls.empty()) {
        // Nothing above reads the window's results: drop the operator.
        node = node->inputs[0];
        return Prune(node, required, is_root);
      }
      below.insert(window.partition_by.begin(), window.partition_by.end());
      for (const auto& key : window.order_by) below.insert(*key.target.name());
      for (const auto& call : window.calls) below.erase(call.output);
      window.calls = std::move(calls);
      ARROW_RETURN_NOT_OK(Prune(node->inputs[0], below, false));
      auto fields = node->inputs[0]->schema->fields();
      for (const auto& call : window.calls) fields.push_back(window.schema->GetFieldByName(call.output));
      window.schema = arrow::schema(std::move(fields));
      return arrow::Status::OK();
    }
  }
  return arrow::Status::OK();
}

// ---- projection merging -----------------------------------------------------------------

// A projection that only picks and renames columns of the projection below it is
// folded into that one (the root's renaming to user names, a subquery's SELECT *).
arrow::Status MergeProjections(LogicalPlanPtr& node) {
  for (auto& input : node->inputs) ARROW_RETURN_NOT_OK(MergeProjections(input));
  if (node->kind != LogicalKind::kProject || node->inputs[0]->kind != LogicalKind::kProject) {
    return arrow::Status::OK();
  }
  auto& upper = static_cast<LogicalProject&>(*node);
  auto& lower = static_cast<LogicalProject&>(*node->inputs[0]);
  std::vector<cp::Expression> merged;
  for (const auto& expr : upper.expressions) {
    const auto* ref = expr.field_ref();
    if (!ref || !ref->name()) return arrow::Status::OK();
    int index = lower.schema->GetFieldIndex(*ref->name());
    if (index < 0) return arrow::Status::OK();
    merged.push_back(lower.expressions[index]);
  }
  upper.expressions = std::move(merged);
  upper.inputs = lower.inputs;
  return arrow::Status::OK();
}

// ---- limit pushdown ---------------------------------------------------------------------

// A projection computes each row on its own, so it may run after a LIMIT instead of
// before: LIMIT (PROJECT x) = PROJECT (LIMIT x), and likewise with an ORDER BY under the
// LIMIT when every sort key is a column the projection passes through. The projection
// then computes only the rows kept, and the ORDER BY meets the LIMIT directly below it
// (the executor's top-N node).
// New nodes are made rather than the old ones changed, as a subtree may be shared.
void PushLimits(LogicalPlanPtr& node) {
  for (auto& input : node->inputs) PushLimits(input);
  if (node->kind != LogicalKind::kLimit) return;
  const LogicalPlanPtr& child = node->inputs[0];
  if (child->kind == LogicalKind::kProject) {
    auto project = std::make_shared<LogicalProject>(static_cast<const LogicalProject&>(*child));
    LogicalPlanPtr limit = std::make_shared<LogicalLimit>(static_cast<const LogicalLimit&>(*node));
    limit->inputs = {child->inputs[0]};
    limit->schema = child->inputs[0]->schema;
    PushLimits(limit);
    project->inputs = {std::move(limit)};
    node = std::move(project);
    return;
  }
  if (child->kind != LogicalKind::kSort || child->inputs[0]->kind != LogicalKind::kProject) return;
  const auto& sort = static_cast<const LogicalSort&>(*child);
  const auto& project = static_cast<const LogicalProject&>(*child->inputs[0]);
  std::vector<cp::SortKey> keys;
  for (const auto& key : sort.keys) {
    auto source = key.target.name() ? PassedThrough(project, *key.target.name()) : std::nullopt;
    if (!source) return;
    keys.emplace_back(arrow::FieldRef(*source), key.order, key.null_placement);
  }
  const LogicalPlanPtr& below = project.inputs[0];
  auto lowered_sort = std::make_shared<LogicalSort>();
  lowered_sort->keys = std::move(keys);
  lowered_sort->schema = below->schema;
  lowered_sort->inputs = {below};
  auto limit = std::make_shared<LogicalLimit>(static_cast<const LogicalLimit&>(*node));
  limit->inputs = {std::move(lowered_sort)};
  limit->schema = below->schema;
  auto lifted = std::make_shared<LogicalProject>(project);
  lifted->inputs = {std::move(limit)};
  node = std::move(lifted);
}

}  // namespace

arrow::Result<LogicalPlanPtr> Optimize(LogicalPlanPtr plan) {
  // The rewrites below change operators in place (pruning narrows each to the columns
  // its parent reads, filters move into inputs). An operator with two parents (a
  // decorrelated subquery reads the outer rows again; NOT IN counts the subquery's
  // NULLs beside its anti join) must not change for one parent under the other, so
  // every parent gets its own copy.
  plan = ClonePlan(plan);
  ARROW_RETURN_NOT_OK(SimplifyPlan(plan));
  plan = PushFilters(std::move(plan), {});
  // Pushed conditions may have met constants (an empty side, a contradiction).
  ARROW_RETURN_NOT_OK(SimplifyPlan(plan));
  ARROW_RETURN_NOT_OK(PushSemiJoins(plan));
  CardinalityEstimator estimator(KeyColumns(*plan));
  ARROW_ASSIGN_OR_RAISE(plan, ReorderJoins(std::move(plan), estimator));
  CardinalityEstimator reordered(KeyColumns(*plan));
  ARROW_RETURN_NOT_OK(ReduceAggregatedJoinSides(plan, reordered));
  ARROW_RETURN_NOT_OK(Prune(plan, FieldNames(*plan->schema), /*is_root=*/true));
  ARROW_RETURN_NOT_OK(MergeProjections(plan));
  PushLimits(plan);
  // A projection lifted above a limit may now sit on another one.
  ARROW_RETURN_NOT_OK(MergeProjections(plan));
  ARROW_RETURN_NOT_OK(ShareCommonSubexpressions(plan));
  ARROW_RETURN_NOT_OK(OrderScanFilters(plan, reordered));
  return plan;
}

}  // namespace quiver::plan
