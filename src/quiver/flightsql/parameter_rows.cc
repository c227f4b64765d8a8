#include "quiver/flightsql/parameter_rows.h"

#include <arrow/record_batch.h>
#include <arrow/scalar.h>
#include <arrow/table.h>

namespace quiver::flightsql {

arrow::Result<std::vector<engine::ParameterValues>> ParameterRows(
    const std::shared_ptr<arrow::RecordBatch>& parameters) {
  std::vector<engine::ParameterValues> rows;
  if (!parameters) {
    rows.emplace_back();
    return rows;
  }
  rows.reserve(static_cast<size_t>(parameters->num_rows()));
  for (int64_t row = 0; row < parameters->num_rows(); ++row) {
    engine::ParameterValues values;
    values.reserve(static_cast<size_t>(parameters->num_columns()));
    for (const auto& column : parameters->columns()) {
      ARROW_ASSIGN_OR_RAISE(auto scalar, column->GetScalar(row));
      values.push_back(std::move(scalar));
    }
    rows.push_back(std::move(values));
  }
  return rows;
}

arrow::Result<std::shared_ptr<arrow::RecordBatch>> CombineParameterBatches(
    const std::vector<std::shared_ptr<arrow::RecordBatch>>& batches, const std::shared_ptr<arrow::Schema>& expected) {
  if (batches.empty()) return nullptr;
  const auto& schema = batches.front()->schema();
  if (expected && schema->num_fields() != expected->num_fields()) {
    return arrow::Status::Invalid("the statement has ", expected->num_fields(), " parameter",
                                  expected->num_fields() == 1 ? "" : "s", " but ", schema->num_fields(), " value",
                                  schema->num_fields() == 1 ? " was" : "s were", " bound");
  }
  ARROW_ASSIGN_OR_RAISE(auto table, arrow::Table::FromRecordBatches(schema, batches));
  ARROW_ASSIGN_OR_RAISE(auto combined, table->CombineChunksToBatch());
  if (combined->num_rows() == 0) return nullptr;
  return combined;
}

}  // namespace quiver::flightsql
