#include "quiver/exec/window_layout.h"

#include <arrow/compute/api.h>
#include <arrow/type_traits.h>

#include <cmath>

namespace quiver::exec::window {

namespace {

namespace cp = arrow::compute;

template <typename Float>
bool BothNaN(const arrow::Array& column, int64_t a, int64_t b) {
  const auto* values = column.data()->GetValues<Float>(1);
  return std::isnan(values[a]) && std::isnan(values[b]);
}

// Marks in `starts_group` every row i > 0 whose key differs from row i-1's. The
// comparison is Arrow's not_equal, so every type Arrow compares works; NULLs and NaNs
// are then made equal to each other.
arrow::Status MarkChanges(std::shared_ptr<arrow::Array> column, std::vector<uint8_t>& starts_group) {
  const int64_t n = column->length();
  if (n < 2) return arrow::Status::OK();
  if (column->type_id() == arrow::Type::DICTIONARY) {
    const auto& dictionary_type = static_cast<const arrow::DictionaryType&>(*column->type());
    ARROW_ASSIGN_OR_RAISE(column, cp::Cast(*column, dictionary_type.value_type()));
  }
  ARROW_ASSIGN_OR_RAISE(auto differs_datum, cp::CallFunction("not_equal", {column->Slice(1), column->Slice(0, n - 1)}));
  const auto& differs = static_cast<const arrow::BooleanArray&>(*differs_datum.make_array());
  const auto type = column->type_id();
  for (int64_t i = 1; i < n; ++i) {
    const bool current_null = column->IsNull(i), previous_null = column->IsNull(i - 1);
    bool changed;
    if (current_null || previous_null) {
      changed = current_null != previous_null;
    } else {
      changed = differs.Value(i - 1);
      if (changed && type == arrow::Type::DOUBLE) changed = !BothNaN<double>(*column, i, i - 1);
      if (changed && type == arrow::Type::FLOAT) changed = !BothNaN<float>(*column, i, i - 1);
    }
    if (changed) starts_group[i] = 1;
  }
  return arrow::Status::OK();
}

std::vector<int64_t> StartsOf(const std::vector<uint8_t>& starts_group, int64_t num_rows) {
  std::vector<int64_t> starts;
  for (int64_t i = 0; i < num_rows; ++i) {
    if (starts_group[i]) starts.push_back(i);
  }
  starts.push_back(num_rows);
  return starts;
}

}  // namespace

arrow::Result<WindowLayout> ComputeWindowLayout(int64_t num_rows,
                                                const std::vector<std::shared_ptr<arrow::Array>>& partition_keys,
                                                const std::vector<std::shared_ptr<arrow::Array>>& order_keys) {
  WindowLayout layout;
  layout.num_rows = num_rows;
  std::vector<uint8_t> starts_group(num_rows, 0);
  if (num_rows > 0) starts_group[0] = 1;
  for (const auto& key : partition_keys) ARROW_RETURN_NOT_OK(MarkChanges(key, starts_group));
  layout.partition_starts = StartsOf(starts_group, num_rows);
  for (const auto& key : order_keys) ARROW_RETURN_NOT_OK(MarkChanges(key, starts_group));
  layout.peer_starts = StartsOf(starts_group, num_rows);
  layout.peer_group_of_row.resize(num_rows);
  for (size_t group = 0; group + 1 < layout.peer_starts.size(); ++group) {
    for (int64_t row = layout.peer_starts[group]; row < layout.peer_starts[group + 1]; ++row) {
      layout.peer_group_of_row[row] = static_cast<int64_t>(group);
    }
  }
  return layout;
}

}  // namespace quiver::exec::window
