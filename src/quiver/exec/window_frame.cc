#include "quiver/exec/window_frame.h"

#include <arrow/scalar.h>

#include <algorithm>

#include "quiver/exec/window_range_offset.h"

namespace quiver::exec::window {

namespace {

using Bound = WindowFrameBound;

bool HasOffset(const Bound& bound) { return bound.kind == Bound::kPreceding || bound.kind == Bound::kFollowing; }

// A ROWS or GROUPS offset: a non-negative integer.
arrow::Result<int64_t> CountOffset(const Bound& bound) {
  if (!bound.offset || !bound.offset->is_valid) return arrow::Status::Invalid("window frame offset must not be NULL");
  if (!arrow::is_integer(bound.offset->type->id())) {
    return arrow::Status::Invalid("ROWS and GROUPS window frame offsets must be integers, not ",
                                  bound.offset->type->ToString());
  }
  ARROW_ASSIGN_OR_RAISE(auto as_int64, bound.offset->CastTo(arrow::int64()));
  const int64_t value = static_cast<const arrow::Int64Scalar&>(*as_int64).value;
  if (value < 0) return arrow::Status::Invalid("window frame offset must not be negative");
  return value;
}

const char* UnitsName(WindowFrame::Units units) {
  switch (units) {
    case WindowFrame::kRows:
      return "ROWS";
    case WindowFrame::kRange:
      return "RANGE";
    case WindowFrame::kGroups:
      return "GROUPS";
  }
  return "?";
}

// Where row `row`'s frame starts or ends (exclusive) in ROWS and GROUPS mode, and in
// RANGE mode for bounds without an offset.
int64_t CountedBound(const WindowFrame& frame, const Bound& bound, int64_t offset, bool is_start, int64_t row,
                     int64_t partition_begin, int64_t partition_end, const WindowLayout& layout) {
  if (bound.kind == Bound::kUnboundedPreceding) return partition_begin;
  if (bound.kind == Bound::kUnboundedFollowing) return partition_end;
  if (frame.units == WindowFrame::kRows) {
    // Offsets are at most the row count here, so these sums cannot overflow.
    int64_t target = row;
    if (bound.kind == Bound::kPreceding) target = row - offset;
    if (bound.kind == Bound::kFollowing) target = row + offset;
    if (!is_start) ++target;
    return std::clamp(target, partition_begin, partition_end);
  }
  // RANGE CURRENT ROW and GROUPS count peer groups.
  const int64_t group = layout.peer_group_of_row[row];
  int64_t target = group;
  if (bound.kind == Bound::kPreceding) target = group - offset;
  if (bound.kind == Bound::kFollowing) target = group + offset;
  if (!is_start) ++target;
  const int64_t first_group = layout.peer_group_of_row[partition_begin];
  const int64_t end_group = layout.peer_group_of_row[partition_end - 1] + 1;
  return layout.peer_starts[std::clamp(target, first_group, end_group)];
}

}  // namespace

arrow::Status ValidateFrame(const WindowFrame& frame, size_t num_order_keys,
                            const std::shared_ptr<arrow::DataType>& first_order_key_type) {
  const Bound& start = frame.start;
  const Bound& end = frame.end;
  if (start.kind == Bound::kUnboundedFollowing) {
    return arrow::Status::Invalid("frame start cannot be UNBOUNDED FOLLOWING");
  }
  if (end.kind == Bound::kUnboundedPreceding) return arrow::Status::Invalid("frame end cannot be UNBOUNDED PRECEDING");
  if (start.kind == Bound::kCurrentRow && end.kind == Bound::kPreceding) {
    return arrow::Status::Invalid("frame starting from current row cannot have preceding rows");
  }
  if (start.kind == Bound::kFollowing && (end.kind == Bound::kPreceding || end.kind == Bound::kCurrentRow)) {
    return arrow::Status::Invalid("frame starting from following row cannot have preceding rows");
  }
  if (frame.units == WindowFrame::kGroups && num_order_keys == 0) {
    return arrow::Status::Invalid("GROUPS mode requires an ORDER BY clause");
  }
  for (const Bound* bound : {&start, &end}) {
    if (!HasOffset(*bound)) continue;
    if (frame.units != WindowFrame::kRange) {
      ARROW_RETURN_NOT_OK(CountOffset(*bound).status());
      continue;
    }
    if (num_order_keys != 1) {
      return arrow::Status::Invalid("RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column");
    }
    if (!bound->offset || !bound->offset->is_valid) {
      return arrow::Status::Invalid("window frame offset must not be NULL");
    }
    ARROW_RETURN_NOT_OK(CheckRangeOffset(*first_order_key_type, *bound->offset));
  }
  return arrow::Status::OK();
}

arrow::Result<FrameBounds> ComputeFrameBounds(const WindowFrame& frame, const WindowLayout& layout,
                                              const std::shared_ptr<arrow::Array>& order_key,
                                              arrow::compute::SortOrder order) {
  const int64_t n = layout.num_rows;
  FrameBounds bounds;
  bounds.begin.resize(n);
  bounds.end.resize(n);
  const bool range_offsets = frame.units == WindowFrame::kRange;
  for (int side = 0; side < 2; ++side) {
    const bool is_start = side == 0;
    const Bound& bound = is_start ? frame.start : frame.end;
    std::vector<int64_t>& out = is_start ? bounds.begin : bounds.end;
    if (range_offsets && HasOffset(bound)) {
      if (!order_key) return arrow::Status::Invalid(UnitsName(frame.units), " offsets need an ORDER BY column");
      ARROW_RETURN_NOT_OK(ComputeRangeOffsetBound(bound, is_start, layout, *order_key, order, out));
      continue;
    }
    int64_t offset = 0;
    if (HasOffset(bound)) {
      ARROW_ASSIGN_OR_RAISE(offset, CountOffset(bound));
      offset = std::min(offset, n + 1);
    }
    layout.ForEachPartition([&](int64_t partition_begin, int64_t partition_end) {
      for (int64_t row = partition_begin; row < partition_end; ++row) {
        out[row] = CountedBound(frame, bound, offset, is_start, row, partition_begin, partition_end, layout);
      }
    });
  }
  // A frame whose end lies before its start is empty; keep both sequences monotone.
  for (int64_t row = 0; row < n; ++row) bounds.end[row] = std::max(bounds.end[row], bounds.begin[row]);
  return bounds;
}

}  // namespace quiver::exec::window
