#pragma once

// Internal to the window node: RANGE frame bounds given as an offset from the current
// row's ORDER BY value (`RANGE BETWEEN 5 PRECEDING AND INTERVAL '1 day' FOLLOWING`).

#include <arrow/array.h>
#include <arrow/compute/ordering.h>
#include <arrow/scalar.h>
#include <arrow/status.h>

#include <cstdint>
#include <vector>

#include "quiver/exec/window_layout.h"
#include "quiver/exec/window_node.h"

namespace quiver::exec::window {

// Whether `offset` can be added to and subtracted from ORDER BY values of `key_type`.
arrow::Status CheckRangeOffset(const arrow::DataType& key_type, const arrow::Scalar& offset);

// Fills out[i] for every row with where the frame starts (`is_start`) or ends
// (exclusive) when `bound` is kPreceding or kFollowing. `key` is the sorted ORDER BY
// column. NULL and NaN keys sort to one end of each partition and are within any
// offset only of each other.
arrow::Status ComputeRangeOffsetBound(const WindowFrameBound& bound, bool is_start, const WindowLayout& layout,
                                      const arrow::Array& key, arrow::compute::SortOrder order,
                                      std::vector<int64_t>& out);

}  // namespace quiver::exec::window
