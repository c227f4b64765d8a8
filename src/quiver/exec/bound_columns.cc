#include "quiver/exec/bound_columns.h"

namespace quiver::exec {

namespace {

void Collect(const arrow::compute::Expression& expr, std::set<int>* columns) {
  if (const auto* parameter = expr.parameter()) {
    columns->insert(parameter->indices.size() == 1 ? parameter->indices[0] : -1);
    return;
  }
  if (const auto* call = expr.call()) {
    for (const auto& argument : call->arguments) Collect(argument, columns);
  }
}

}  // namespace

std::set<int> ColumnsRead(const arrow::compute::Expression& bound) {
  std::set<int> columns;
  Collect(bound, &columns);
  return columns;
}

}  // namespace quiver::exec
