#include "quiver/exec/blocking_operators.h"

#include <arrow/acero/options.h>

#include <algorithm>
#include <string_view>
#include <vector>

#include "quiver/exec/integer_key_aggregate_node.h"
#include "quiver/exec/nested_loop_join_node.h"
#include "quiver/exec/window_node.h"

namespace quiver::exec {

namespace {

// What an Acero factory that keeps rows until its input ends is called in errors;
// nullptr for streaming operators.
const char* BlockingOperatorName(std::string_view factory) {
  if (factory == "hashjoin") return "hash join build";
  if (factory == "aggregate" || factory == IntegerKeyAggregateNodeOptions::kFactoryName) return "aggregate";
  if (factory == "order_by") return "sort";
  if (factory == WindowNodeOptions::kFactoryName) return "window function sort";
  if (factory == NestedLoopJoinNodeOptions::kFactoryName) return "nested-loop join build";
  return nullptr;
}

// An aggregate without grouping keys keeps one value per aggregate, unless it
// collects lists (the ungrouped list aggregate behind ordered-set aggregates).
bool HoldsRows(const arrow::acero::Declaration& declaration) {
  if (declaration.factory_name != "aggregate") return true;
  const auto* options = dynamic_cast<const arrow::acero::AggregateNodeOptions*>(declaration.options.get());
  if (options == nullptr || !options->keys.empty()) return true;
  return std::any_of(options->aggregates.begin(), options->aggregates.end(),
                     [](const auto& aggregate) { return aggregate.function.find("list") != std::string::npos; });
}

void Collect(const arrow::acero::Declaration& declaration, std::vector<std::string>& out) {
  const char* name = BlockingOperatorName(declaration.factory_name);
  if (name != nullptr && HoldsRows(declaration)) {
    std::string described = name;
    if (!declaration.label.empty()) described += " (" + declaration.label + ")";
    out.push_back(std::move(described));
  }
  for (const auto& input : declaration.inputs) {
    if (const auto* child = std::get_if<arrow::acero::Declaration>(&input)) Collect(*child, out);
  }
}

}  // namespace

std::string DescribeBlockingOperators(const arrow::acero::Declaration& declaration) {
  std::vector<std::string> operators;
  Collect(declaration, operators);
  if (operators.empty()) return "";
  if (operators.size() == 1) return "the " + operators.front();
  std::string text = "one of the operators holding rows: ";
  for (size_t i = 0; i < operators.size(); ++i) {
    if (i > 0) text += ", ";
    text += operators[i];
  }
  return text;
}

}  // namespace quiver::exec
