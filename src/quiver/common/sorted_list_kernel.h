#pragma once

#include <arrow/status.h>

namespace quiver {

/// Registers "quiver_sort_list_by(list<value>, list<key0>, list<key1> …) → list<value>",
/// with SortOptions naming the keys "key0", "key1" …: row by row, the values of the
/// first list in the order of the entries at the same positions in the others. It
/// finishes an aggregate written with its own ORDER BY (string_agg(x, ',' ORDER BY y)):
/// each group's values and keys are collected as lists side by side (one list
/// aggregate each, filled in the same order), then sorted per group. Arrow's sort is
/// stable, so values with equal keys keep the order they were collected in. Idempotent.
arrow::Status RegisterSortedListKernel();

inline constexpr const char* kSortListByFunction = "quiver_sort_list_by";

}  // namespace quiver
