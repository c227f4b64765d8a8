#include "quiver/exec/window_compute.h"

#include <arrow/compute/api.h>

#include "quiver/exec/window_frame.h"
#include "quiver/exec/window_functions.h"
#include "quiver/exec/window_layout.h"

namespace quiver::exec::window {

namespace {

namespace cp = arrow::compute;

arrow::Result<std::shared_ptr<arrow::DataType>> ColumnType(const arrow::Schema& schema, const arrow::FieldRef& ref,
                                                           const std::string& role) {
  auto found = ref.GetOne(schema);
  if (!found.ok()) return arrow::Status::Invalid("window ", role, " column ", ref.ToString(), " not found in input");
  return (*found)->type();
}

arrow::Status CheckConstants(const WindowCall& call) {
  size_t most = 0;
  if (call.function == "lag" || call.function == "lead") most = 2;
  if (call.function == "ntile" || call.function == "nth_value") most = 1;
  if (call.constants.size() > most) {
    return arrow::Status::Invalid("window function ", call.function, " takes at most ", most, " constant argument",
                                  most == 1 ? "" : "s", ", not ", call.constants.size());
  }
  if ((call.function == "ntile" || call.function == "nth_value") && call.constants.size() != 1) {
    return arrow::Status::Invalid("window function ", call.function, " needs its constant argument");
  }
  return arrow::Status::OK();
}

}  // namespace

std::vector<cp::SortKey> WindowSortKeys(const WindowNodeOptions& options) {
  std::vector<cp::SortKey> keys;
  for (const auto& column : options.partition_by) keys.emplace_back(column);
  for (const auto& key : options.order_by) keys.push_back(key);
  return keys;
}

arrow::Result<std::shared_ptr<arrow::Schema>> WindowOutputSchema(const arrow::Schema& input,
                                                                 const WindowNodeOptions& options) {
  for (const auto& column : options.partition_by) {
    ARROW_RETURN_NOT_OK(ColumnType(input, arrow::FieldRef(column), "PARTITION BY").status());
  }
  std::shared_ptr<arrow::DataType> first_order_type;
  for (const auto& key : options.order_by) {
    ARROW_ASSIGN_OR_RAISE(auto type, ColumnType(input, key.target, "ORDER BY"));
    if (!first_order_type) first_order_type = type;
  }
  arrow::FieldVector fields = input.fields();
  for (const auto& call : options.calls) {
    if (!IsWindowFunction(call.function)) return arrow::Status::Invalid("unknown window function ", call.function);
    std::vector<std::shared_ptr<arrow::DataType>> argument_types;
    for (const auto& argument : call.arguments) {
      ARROW_ASSIGN_OR_RAISE(auto type, ColumnType(input, arrow::FieldRef(argument), call.function + " argument"));
      argument_types.push_back(type);
    }
    ARROW_ASSIGN_OR_RAISE(auto result_type, WindowResultType(call.function, argument_types));
    ARROW_RETURN_NOT_OK(CheckConstants(call));
    if (UsesFrame(call.function)) {
      auto status = ValidateFrame(call.frame, options.order_by.size(), first_order_type);
      if (!status.ok()) return status.WithMessage(status.message(), " (in ", call.function, ")");
    }
    fields.push_back(arrow::field(call.output, result_type));
  }
  return arrow::schema(std::move(fields));
}

arrow::Result<std::shared_ptr<arrow::RecordBatch>> ComputeWindow(const std::shared_ptr<arrow::RecordBatch>& input,
                                                                 const WindowNodeOptions& options,
                                                                 const std::shared_ptr<arrow::Schema>& output_schema,
                                                                 cp::ExecContext* context) {
  std::shared_ptr<arrow::RecordBatch> sorted = input;
  const auto sort_keys = WindowSortKeys(options);
  if (!sort_keys.empty() && input->num_rows() > 1) {
    // Arrow's sort is stable: rows equal in every key keep their input order.
    ARROW_ASSIGN_OR_RAISE(auto indices, cp::SortIndices(input, cp::SortOptions(sort_keys), context));
    ARROW_ASSIGN_OR_RAISE(auto taken, cp::Take(input, indices, cp::TakeOptions::NoBoundsCheck(), context));
    sorted = taken.record_batch();
  }
  std::vector<std::shared_ptr<arrow::Array>> partition_keys, order_keys;
  for (const auto& column : options.partition_by) partition_keys.push_back(sorted->GetColumnByName(column));
  for (const auto& key : options.order_by) {
    ARROW_ASSIGN_OR_RAISE(auto column, key.target.GetOne(*sorted));
    order_keys.push_back(std::move(column));
  }
  ARROW_ASSIGN_OR_RAISE(const WindowLayout layout, ComputeWindowLayout(sorted->num_rows(), partition_keys, order_keys));
  const auto first_order = options.order_by.empty() ? cp::SortOrder::Ascending : options.order_by[0].order;
  const std::shared_ptr<arrow::Array> first_order_key = order_keys.empty() ? nullptr : order_keys[0];

  std::vector<std::shared_ptr<arrow::Array>> columns = sorted->columns();
  const int first_result = sorted->num_columns();
  for (size_t i = 0; i < options.calls.size(); ++i) {
    const WindowCall& call = options.calls[i];
    FrameBounds frames;
    if (UsesFrame(call.function)) {
      ARROW_ASSIGN_OR_RAISE(frames, ComputeFrameBounds(call.frame, layout, first_order_key, first_order));
    }
    WindowCallInput call_input{call, layout, frames, {}, output_schema->field(first_result + i)->type()};
    for (const auto& argument : call.arguments) call_input.arguments.push_back(sorted->GetColumnByName(argument));
    std::shared_ptr<arrow::Array> result;
    if (IsRankFunction(call.function)) {
      ARROW_ASSIGN_OR_RAISE(result, ComputeRankFunction(call_input));
    } else if (IsValueFunction(call.function)) {
      ARROW_ASSIGN_OR_RAISE(result, ComputeValueFunction(call_input));
    } else {
      ARROW_ASSIGN_OR_RAISE(result, ComputeAggregateFunction(call_input));
    }
    columns.push_back(std::move(result));
  }
  return arrow::RecordBatch::Make(output_schema, sorted->num_rows(), std::move(columns));
}

}  // namespace quiver::exec::window
