#pragma once

// Internal to the window node: the functions, each computed over rows already sorted
// by (PARTITION BY, ORDER BY), for all rows at once.

#include <arrow/array.h>
#include <arrow/result.h>

#include <memory>

#include "quiver/exec/window_frame.h"
#include "quiver/exec/window_layout.h"
#include "quiver/exec/window_node.h"

namespace quiver::exec::window {

// What one call needs: the layout, the call's frames and its sorted argument columns.
struct WindowCallInput {
  const WindowCall& call;
  const WindowLayout& layout;
  const FrameBounds& frames;
  std::vector<std::shared_ptr<arrow::Array>> arguments;
  std::shared_ptr<arrow::DataType> result_type;
};

// row_number, rank, dense_rank, percent_rank, cume_dist, ntile.
bool IsRankFunction(const std::string& function);
arrow::Result<std::shared_ptr<arrow::Array>> ComputeRankFunction(const WindowCallInput& input);

// lag, lead, first_value, last_value, nth_value, min, max: each picks one row's value.
bool IsValueFunction(const std::string& function);
arrow::Result<std::shared_ptr<arrow::Array>> ComputeValueFunction(const WindowCallInput& input);

// sum, avg, count, count_all.
bool IsAggregateFunction(const std::string& function);
arrow::Result<std::shared_ptr<arrow::Array>> ComputeAggregateFunction(const WindowCallInput& input);

// Whether the function reads its frame (the others ignore it, as SQL says).
bool UsesFrame(const std::string& function);

}  // namespace quiver::exec::window
