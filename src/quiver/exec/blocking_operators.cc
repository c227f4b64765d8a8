#include "quiver/exec/blocking_operators.h"

#include <string_view>
#include <vector>

#include "quiver/exec/nested_loop_join_node.h"
#include "quiver/exec/window_node.h"

namespace quiver::exec {

namespace {

// What an Acero factory that keeps rows until its input ends is called in errors;
// nullptr for streaming operators.
const char* BlockingOperatorName(std::string_view factory) {
  if (factory == "hashjoin") return "hash join build";
  if (factory == "aggregate") return "aggregate";
  if (factory == "order_by") return "sort";
  if (factory == WindowNodeOptions::kFactoryName) return "window function sort";
  if (factory == NestedLoopJoinNodeOptions::kFactoryName) return "nested-loop join build";
  return nullptr;
}

void Collect(const arrow::acero::Declaration& declaration, std::vector<std::string>& out) {
  if (const char* name = BlockingOperatorName(declaration.factory_name)) {
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
