#pragma once

#include <arrow/status.h>

namespace quiver {

/// Registers two functions that carry decimals of at most 18 digits as their unscaled
/// 64-bit integers, and back:
///   "quiver_decimal_unscaled(decimal128(p ≤ 18, s)) → int64" (123.45 as 12345), and
///   "quiver_decimal_from_unscaled(int64) → decimal128", with CastOptions naming the
///   decimal type.
/// A hash join stores the columns of its build side row by row; Acero copies 8-byte
/// values there with one move but 16-byte ones with a call to memcpy each, so decimal
/// payloads travel through joins narrowed. Idempotent.
arrow::Status RegisterDecimalUnscaled();

inline constexpr const char* kDecimalUnscaledFunction = "quiver_decimal_unscaled";
inline constexpr const char* kDecimalFromUnscaledFunction = "quiver_decimal_from_unscaled";

/// Decimals with at most this many digits fit their unscaled value in an int64.
inline constexpr int kMaxUnscaledDigits = 18;

}  // namespace quiver
