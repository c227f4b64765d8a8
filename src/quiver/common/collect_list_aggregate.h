#pragma once

#include <arrow/status.h>

namespace quiver {

/// Registers "quiver_collect_list(T) → list<T>", an ungrouped aggregate that collects
/// every input value (NULLs included, in no defined order) into one list, and returns
/// a NULL list when it saw no rows. It is the ungrouped counterpart of Arrow's grouped
/// hash_list, which has none: aggregates finished from a list of their group's values
/// (string_agg, array_agg, percentile_cont …) use it when the query has no GROUP BY, so
/// no input rows still give the one row SQL requires. Idempotent.
arrow::Status RegisterCollectListAggregate();

inline constexpr const char* kCollectListFunction = "quiver_collect_list";

}  // namespace quiver
