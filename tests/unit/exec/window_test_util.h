#pragma once

#include <arrow/acero/exec_plan.h>
#include <arrow/acero/options.h>
#include <arrow/array/concatenate.h>
#include <arrow/compute/api.h>
#include <arrow/compute/initialize.h>
#include <arrow/json/from_string.h>
#include <arrow/table.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "quiver/exec/window_node.h"

#define WINDOW_CONCAT_INNER(a, b) a##b
#define WINDOW_CONCAT(a, b) WINDOW_CONCAT_INNER(a, b)
#define ASSERT_OK(expr)                              \
  do {                                               \
    const ::arrow::Status _status = (expr);          \
    ASSERT_TRUE(_status.ok()) << _status.ToString(); \
  } while (false)
#define ASSERT_OK_AND_ASSIGN_IMPL(result, lhs, rexpr)     \
  auto result = (rexpr);                                  \
  ASSERT_TRUE(result.ok()) << result.status().ToString(); \
  lhs = std::move(result).ValueOrDie()
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr) ASSERT_OK_AND_ASSIGN_IMPL(WINDOW_CONCAT(_result_, __LINE__), lhs, rexpr)

namespace quiver::exec::testing {

namespace ac = arrow::acero;
namespace cp = arrow::compute;

struct JsonColumn {
  std::string name;
  std::shared_ptr<arrow::DataType> type;
  std::string json;
};

// A table of the given columns cut into batches of `rows_per_batch` rows, so that
// the window node sees several batches.
inline std::shared_ptr<arrow::Table> MakeTable(const std::vector<JsonColumn>& columns, int64_t rows_per_batch = 3) {
  arrow::FieldVector fields;
  arrow::ArrayVector arrays;
  for (const auto& column : columns) {
    fields.push_back(arrow::field(column.name, column.type));
    arrays.push_back(arrow::json::ArrayFromJSONString(column.type, column.json).ValueOrDie());
  }
  auto batch = arrow::RecordBatch::Make(arrow::schema(fields), arrays[0]->length(), arrays);
  std::vector<std::shared_ptr<arrow::RecordBatch>> batches;
  for (int64_t offset = 0; offset < batch->num_rows(); offset += rows_per_batch) {
    batches.push_back(batch->Slice(offset, rows_per_batch));
  }
  return arrow::Table::FromRecordBatches(batch->schema(), batches).ValueOrDie();
}

inline std::shared_ptr<arrow::Scalar> Int(int64_t value) { return std::make_shared<arrow::Int64Scalar>(value); }

inline WindowCall Call(std::string function, std::vector<std::string> arguments, std::string output,
                       WindowFrame frame = WindowFrame::Default(),
                       std::vector<std::shared_ptr<arrow::Scalar>> constants = {}) {
  return WindowCall{std::move(function), std::move(arguments), std::move(constants), std::move(frame),
                    std::move(output)};
}

inline WindowFrame Rows(WindowFrameBound start, WindowFrameBound end) { return {WindowFrame::kRows, start, end}; }
inline WindowFrame Range(WindowFrameBound start, WindowFrameBound end) { return {WindowFrame::kRange, start, end}; }
inline WindowFrame Groups(WindowFrameBound start, WindowFrameBound end) { return {WindowFrame::kGroups, start, end}; }

// Runs table_source → quiver_window (→ order_by `sort_by` when given).
inline arrow::Result<std::shared_ptr<arrow::Table>> RunWindow(const std::shared_ptr<arrow::Table>& table,
                                                              WindowNodeOptions options,
                                                              const std::string& sort_by = "id") {
  ARROW_RETURN_NOT_OK(arrow::compute::Initialize());
  ARROW_RETURN_NOT_OK(RegisterWindowNode());
  ac::Declaration plan = ac::Declaration::Sequence({
      {"table_source", ac::TableSourceNodeOptions(table, /*max_batch_size=*/3)},
      {WindowNodeOptions::kFactoryName, std::move(options)},
  });
  if (!sort_by.empty()) {
    plan = ac::Declaration::Sequence(
        {std::move(plan), {"order_by", ac::OrderByNodeOptions(cp::Ordering({cp::SortKey(sort_by)}))}});
  }
  return ac::DeclarationToTable(std::move(plan));
}

// Checks column `name` of `table` against JSON values of `type` (floats approximately).
inline void ExpectColumn(const arrow::Table& table, const std::string& name,
                         const std::shared_ptr<arrow::DataType>& type, const std::string& json) {
  auto column = table.GetColumnByName(name);
  ASSERT_NE(column, nullptr) << "no column " << name;
  auto actual = arrow::Concatenate(column->chunks()).ValueOrDie();
  auto expected = arrow::json::ArrayFromJSONString(type, json).ValueOrDie();
  ASSERT_TRUE(actual->type()->Equals(*type)) << name << ": " << actual->type()->ToString();
  EXPECT_TRUE(actual->ApproxEquals(*expected, arrow::EqualOptions::Defaults().nans_equal(true).atol(1e-9)))
      << name << "\nexpected " << expected->ToString() << "\nactual   " << actual->ToString();
}

}  // namespace quiver::exec::testing
