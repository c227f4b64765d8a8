#pragma once

#include <arrow/status.h>

namespace quiver {

/// Registers Quiver's own compute functions in Arrow's default function registry, for
/// SQL semantics Arrow has no kernel for. Idempotent and thread-safe; the engine calls
/// it when it opens. Functions:
///   quiver_add_interval(timestamp[us], month_day_nano) → timestamp[us]
///   quiver_subtract_interval(timestamp[us], month_day_nano) → timestamp[us]
///   quiver_ascii(utf8) → int32, the code point of the first character
///   and the date/time and text functions of datetime_kernels.h and text_kernels.h
/// and, once for all, the functions of decimal_pin.h, single_row_check.h,
/// list_kernels.h, sorted_list_kernel.h, collect_list_aggregate.h and
/// ordered_set_kernels.h. (The decimal arithmetic, grouped decimal sum and unscaled
/// decimal functions register themselves where they are first bound or lowered.)
/// Months move the calendar date and clamp the day to the month's length, as
/// PostgreSQL does ('2024-01-31' + 1 month = '2024-02-29').
arrow::Status RegisterSqlKernels();

}  // namespace quiver
