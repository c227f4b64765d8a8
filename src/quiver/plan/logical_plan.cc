#include "quiver/plan/logical_plan.h"

#include <sstream>

#include "quiver/plan/logical_extension.h"

namespace quiver::plan {

namespace {

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out;
}

const char* JoinTypeName(LogicalJoinType type) {
  switch (type) {
    case LogicalJoinType::kInner:
      return "Inner";
    case LogicalJoinType::kLeft:
      return "Left";
    case LogicalJoinType::kRight:
      return "Right";
    case LogicalJoinType::kFull:
      return "Full";
    case LogicalJoinType::kCross:
      return "Cross";
    case LogicalJoinType::kSemi:
      return "Semi";
    case LogicalJoinType::kAnti:
      return "Anti";
  }
  return "?";
}

void Format(const LogicalOperator& node, const LogicalPlanPtr& pointer, int depth, bool with_columns,
            const PlanAnnotator& annotate, std::ostringstream& out) {
  out << std::string(depth * 2, ' ') << node.Describe();
  if (annotate && pointer) out << annotate(pointer);
  if (with_columns) {
    std::vector<std::string> names;
    for (const auto& field : node.schema->fields()) names.push_back(field->name());
    out << "  -> [" << JoinNames(names) << "]";
  }
  out << "\n";
  for (const auto& input : node.inputs) Format(*input, input, depth + 1, with_columns, annotate, out);
}

}  // namespace

std::string LogicalScan::Describe() const {
  std::string out = "Scan " + table_name + ": " + source->Describe() + (cached ? " cached" : "") + " columns=[" +
                    JoinNames(columns) + "]";
  if (filter) out += " filter=" + filter->ToString();
  return out;
}

std::string LogicalValues::Describe() const { return "Values: " + std::to_string(table->num_rows()) + " rows"; }

std::string LogicalFilter::Describe() const { return "Filter: " + predicate.ToString(); }

std::string LogicalProject::Describe() const {
  std::string out = "Project: ";
  for (size_t i = 0; i < expressions.size(); ++i) {
    if (i) out += ", ";
    std::string expr = expressions[i].ToString();
    const std::string& name = schema->field(static_cast<int>(i))->name();
    out += expr == name ? name : expr + " AS " + name;
  }
  return out;
}

std::string LogicalAggregate::Describe() const {
  std::string out = "Aggregate: keys=[" + JoinNames(keys) + "]";
  if (!aggregates.empty()) {
    out += " aggregates=[";
    for (size_t i = 0; i < aggregates.size(); ++i) {
      if (i) out += ", ";
      out += aggregates[i].function + "(" + (aggregates[i].input.empty() ? "*" : aggregates[i].input) + ") AS " +
             aggregates[i].output;
    }
    out += "]";
  }
  return out;
}

std::string LogicalJoin::Describe() const {
  std::string out = std::string(JoinTypeName(join_type)) + " Join";
  if (!left_keys.empty()) {
    out += ": ";
    const char* equals = null_equal_keys ? " IS NOT DISTINCT FROM " : " = ";
    for (size_t i = 0; i < left_keys.size(); ++i) out += (i ? " AND " : "") + left_keys[i] + equals + right_keys[i];
  }
  if (residual) out += " filter=" + residual->ToString();
  return out;
}

std::string LogicalSort::Describe() const {
  std::string out = "Sort: ";
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i) out += ", ";
    out += *keys[i].target.name();
    out += keys[i].order == cp::SortOrder::Descending ? " DESC" : " ASC";
    out += keys[i].null_placement == cp::NullPlacement::AtStart ? " NULLS FIRST" : " NULLS LAST";
  }
  return out;
}

std::string LogicalLimit::Describe() const {
  std::string out = "Limit:";
  if (count) out += " count=" + std::to_string(*count);
  if (offset) out += " offset=" + std::to_string(offset);
  return out;
}

std::string LogicalUnion::Describe() const { return "Union All"; }

std::string LogicalWindow::Describe() const {
  std::string out = "Window: partition=[" + JoinNames(partition_by) + "] order=[";
  for (size_t i = 0; i < order_by.size(); ++i) {
    out += (i ? ", " : "") + *order_by[i].target.name() +
           (order_by[i].order == cp::SortOrder::Descending ? " DESC" : " ASC");
  }
  out += "] calls=[";
  for (size_t i = 0; i < calls.size(); ++i) {
    out += (i ? ", " : "") + calls[i].function + "(" + JoinNames(calls[i].arguments) + ") AS " + calls[i].output;
  }
  return out + "]";
}

std::string LogicalSetFunction::Describe() const {
  std::string out = std::string(keep_empty ? "Left " : "") + "SetFunction: " + function + "(";
  for (size_t i = 0; i < arguments.size(); ++i) out += (i ? ", " : "") + arguments[i].ToString();
  out += ") AS [" + JoinNames(outputs) + "]";
  if (!ordinality.empty()) out += " WITH ORDINALITY AS " + ordinality;
  return out;
}

namespace {

template <typename Operator>
LogicalPlanPtr CopyOf(const LogicalOperator& node) {
  return std::make_shared<Operator>(static_cast<const Operator&>(node));
}

}  // namespace

LogicalPlanPtr CopyOperator(const LogicalOperator& node) {
  const LogicalOperator* plan = &node;
  LogicalPlanPtr copy;
  switch (plan->kind) {
    case LogicalKind::kScan:
      copy = CopyOf<LogicalScan>(*plan);
      break;
    case LogicalKind::kValues:
      copy = CopyOf<LogicalValues>(*plan);
      break;
    case LogicalKind::kFilter:
      copy = CopyOf<LogicalFilter>(*plan);
      break;
    case LogicalKind::kProject:
      copy = CopyOf<LogicalProject>(*plan);
      break;
    case LogicalKind::kAggregate:
      copy = CopyOf<LogicalAggregate>(*plan);
      break;
    case LogicalKind::kJoin:
      copy = CopyOf<LogicalJoin>(*plan);
      break;
    case LogicalKind::kSort:
      copy = CopyOf<LogicalSort>(*plan);
      break;
    case LogicalKind::kLimit:
      copy = CopyOf<LogicalLimit>(*plan);
      break;
    case LogicalKind::kUnion:
      copy = CopyOf<LogicalUnion>(*plan);
      break;
    case LogicalKind::kWindow:
      copy = CopyOf<LogicalWindow>(*plan);
      break;
    case LogicalKind::kMaterialized:
      copy = CopyOf<LogicalMaterialized>(*plan);  // shares the slot: the rows are computed once
      break;
    case LogicalKind::kSetFunction:
      copy = CopyOf<LogicalSetFunction>(*plan);
      break;
    case LogicalKind::kExchange:
      copy = CopyOf<LogicalExchange>(*plan);
      break;
    case LogicalKind::kExtension:
      copy = static_cast<const LogicalExtension&>(*plan).Copy();
      break;
  }
  return copy;
}

LogicalPlanPtr ClonePlan(const LogicalPlanPtr& plan) {
  LogicalPlanPtr copy = CopyOperator(*plan);
  for (auto& input : copy->inputs) input = ClonePlan(input);
  return copy;
}

std::string LogicalMaterialized::Describe() const {
  std::string out = working_table ? "WorkTable " : "Materialized ";
  out += slot->name + " columns=[";
  for (size_t i = 0; i < columns.size(); ++i) out += (i ? ", " : "") + slot->schema->field(columns[i])->name();
  out += "]";
  if (slot->table) out += " rows=" + std::to_string(slot->table->num_rows());
  return out;
}

std::string LogicalExchange::Describe() const {
  return "Exchange: stage " + std::to_string(stage) + " " + partitioning;
}

std::string FormatLogicalPlan(const LogicalOperator& root, bool with_columns) {
  std::ostringstream out;
  Format(root, nullptr, 0, with_columns, nullptr, out);
  return out.str();
}

std::string FormatLogicalPlan(const LogicalPlanPtr& root, bool with_columns, const PlanAnnotator& annotate) {
  std::ostringstream out;
  Format(*root, root, 0, with_columns, annotate, out);
  return out.str();
}

}  // namespace quiver::plan
