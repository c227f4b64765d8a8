#pragma once

#include <arrow/status.h>

namespace quiver {

/// Registers "quiver_single_row_check(int64 count) → boolean": true when count is 0 or
/// 1, an error otherwise. A scalar subquery's rows are counted per outer row and the
/// value is taken only through this check, so a subquery that returns several rows
/// fails the query with PostgreSQL's message instead of picking one. Idempotent.
arrow::Status RegisterSingleRowCheck();

inline constexpr const char* kSingleRowCheckFunction = "quiver_single_row_check";

}  // namespace quiver
