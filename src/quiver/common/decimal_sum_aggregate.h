#pragma once

#include <arrow/status.h>

namespace quiver {

/// Registers "hash_quiver_decimal_sum(decimal128(p, s), group ids) → decimal128(38, s)",
/// the grouped sum of decimals with Arrow's hash_sum semantics (ScalarAggregateOptions,
/// skip_nulls only): a group with fewer than min_count values is NULL. Arrow's kernel
/// adds each value through an out-of-line Decimal128 operator; this one adds native
/// 128-bit integers, several times faster, and fails cleanly where a sum would wrap
/// around 128 bits instead of returning a wrong value. Idempotent.
arrow::Status RegisterDecimalSumAggregate();

inline constexpr const char* kGroupedDecimalSumFunction = "hash_quiver_decimal_sum";

}  // namespace quiver
