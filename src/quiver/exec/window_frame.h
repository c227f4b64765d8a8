#pragma once

// Internal to the window node: which rows each row's window frame holds.

#include <arrow/array.h>
#include <arrow/compute/ordering.h>
#include <arrow/result.h>
#include <arrow/type.h>

#include <cstdint>
#include <vector>

#include "quiver/exec/window_layout.h"
#include "quiver/exec/window_node.h"

namespace quiver::exec::window {

// Row i's frame is the rows [begin[i], end[i]) (empty when begin[i] == end[i]). Both
// sequences never decrease: frames slide forward, which lets aggregates update
// incrementally instead of rescanning each frame.
struct FrameBounds {
  std::vector<int64_t> begin;
  std::vector<int64_t> end;
};

// Checks a frame against the ORDER BY it will run with (before any row arrives).
// `first_order_key_type` is null when there is no ORDER BY.
arrow::Status ValidateFrame(const WindowFrame& frame, size_t num_order_keys,
                            const std::shared_ptr<arrow::DataType>& first_order_key_type);

// `order_key` is the sorted first ORDER BY column (null when there is no ORDER BY);
// only RANGE frames with offsets read it.
arrow::Result<FrameBounds> ComputeFrameBounds(const WindowFrame& frame, const WindowLayout& layout,
                                              const std::shared_ptr<arrow::Array>& order_key,
                                              arrow::compute::SortOrder order);

}  // namespace quiver::exec::window
