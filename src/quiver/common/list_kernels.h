#pragma once

#include <arrow/status.h>

namespace quiver {

/// Registers "quiver_join_non_null(list<utf8>, utf8 separator) → utf8": the list's
/// non-NULL strings joined by the separator; NULL when there are none. It finishes
/// string_agg, which collects a group's values as a list and, as in SQL, skips NULLs.
/// Idempotent.
arrow::Status RegisterListKernels();

inline constexpr const char* kJoinNonNullFunction = "quiver_join_non_null";

}  // namespace quiver
