#include "quiver/plan/common_subexpressions.h"

#include <arrow/compute/api.h>
#include <arrow/compute/registry.h>

#include <set>

#include "quiver/plan/plan_builders.h"

namespace quiver::plan {

namespace {

size_t NodeCount(const cp::Expression& expr) {
  const auto* call = expr.call();
  if (!call) return 1;
  size_t count = 1;
  for (const auto& argument : call->arguments) count += NodeCount(argument);
  return count;
}

bool IsPure(const std::string& function_name) {
  auto function = cp::GetFunctionRegistry()->GetFunction(function_name);
  return function.ok() && (*function)->is_pure();
}

// Calls worth computing once: pure all the way down, reading at least one column.
bool IsShareable(const cp::Expression& expr) {
  const auto* call = expr.call();
  if (!call || !IsPure(call->function_name)) return false;
  bool reads_column = false;
  for (const auto& argument : call->arguments) {
    if (argument.call() && !IsShareable(argument)) return false;
    reads_column = reads_column || !argument.literal();
  }
  return reads_column;
}

struct Occurrences {
  cp::Expression expr;
  size_t count = 0;
};

void Count(const cp::Expression& expr, std::vector<Occurrences>* seen) {
  const auto* call = expr.call();
  if (!call) return;
  if (IsShareable(expr)) {
    auto found = std::find_if(seen->begin(), seen->end(), [&](const Occurrences& o) { return o.expr.Equals(expr); });
    if (found == seen->end()) {
      seen->push_back({expr, 1});
    } else {
      ++found->count;
    }
  }
  for (const auto& argument : call->arguments) Count(argument, seen);
}

cp::Expression Replace(const cp::Expression& expr, const cp::Expression& target, const std::string& column) {
  if (expr.Equals(target)) return cp::field_ref(column);
  const auto* call = expr.call();
  if (!call) return expr;
  std::vector<cp::Expression> arguments;
  for (const auto& argument : call->arguments) arguments.push_back(Replace(argument, target, column));
  return cp::call(call->function_name, std::move(arguments), call->options);
}

std::string FreshName(const std::set<std::string>& taken, size_t* counter) {
  std::string name;
  do {
    name = "common#" + std::to_string((*counter)++);
  } while (taken.count(name));
  return name;
}

arrow::Status ShareInProject(LogicalPlanPtr& node, size_t* counter) {
  auto& project = static_cast<LogicalProject&>(*node);
  std::vector<cp::Expression> expressions = project.expressions;
  std::vector<std::pair<std::string, cp::Expression>> shared;
  std::set<std::string> taken;
  for (const auto& field : node->inputs[0]->schema->fields()) taken.insert(field->name());
  for (const auto& field : node->schema->fields()) taken.insert(field->name());
  while (true) {
    std::vector<Occurrences> seen;
    for (const auto& expression : expressions) Count(expression, &seen);
    const Occurrences* best = nullptr;
    for (const auto& candidate : seen) {
      if (candidate.count < 2) continue;
      if (!best || NodeCount(candidate.expr) > NodeCount(best->expr)) best = &candidate;
    }
    if (!best) break;
    std::string name = FreshName(taken, counter);
    taken.insert(name);
    for (auto& expression : expressions) expression = Replace(expression, best->expr, name);
    shared.emplace_back(name, best->expr);
  }
  if (shared.empty()) return arrow::Status::OK();
  // Below: the input columns the projection reads, then the shared expressions.
  std::vector<cp::Expression> lower;
  std::vector<std::string> lower_names;
  std::set<std::string> read;
  for (const auto& expression : expressions) {
    for (auto& name : ReferencedColumns(expression)) read.insert(name);
  }
  for (const auto& field : node->inputs[0]->schema->fields()) {
    if (!read.count(field->name())) continue;
    lower.push_back(cp::field_ref(field->name()));
    lower_names.push_back(field->name());
  }
  for (auto& [name, expression] : shared) {
    lower.push_back(expression);
    lower_names.push_back(name);
  }
  ARROW_ASSIGN_OR_RAISE(auto below, MakeProject(node->inputs[0], std::move(lower), std::move(lower_names)));
  std::vector<std::string> names;
  for (const auto& field : node->schema->fields()) names.push_back(field->name());
  ARROW_ASSIGN_OR_RAISE(auto above, MakeProject(below, std::move(expressions), std::move(names)));
  // Keep the declared output types (nullability included) exactly as they were.
  above->schema = node->schema;
  node = above;
  return arrow::Status::OK();
}

arrow::Status Share(LogicalPlanPtr& node, size_t* counter) {
  for (auto& input : node->inputs) ARROW_RETURN_NOT_OK(Share(input, counter));
  if (node->kind == LogicalKind::kProject) return ShareInProject(node, counter);
  return arrow::Status::OK();
}

}  // namespace

arrow::Status ShareCommonSubexpressions(LogicalPlanPtr& plan) {
  size_t counter = 0;
  return Share(plan, &counter);
}

}  // namespace quiver::plan
