#pragma once

#include <arrow/status.h>

namespace quiver {

/// Name of the function that fixes a decimal expression's type: "quiver_pin_decimal"
/// with CastOptions naming the type. Where the value already has that type (nearly
/// always) it passes the value through without touching it; otherwise it casts. Arrow's
/// cast kernel would rescale and range-check every value even between equal types.
inline constexpr const char* kPinDecimalFunction = "quiver_pin_decimal";

arrow::Status RegisterDecimalPin();

}  // namespace quiver
