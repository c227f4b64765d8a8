#pragma once

#include <arrow/compute/registry.h>
#include <arrow/result.h>
#include <arrow/type.h>

#include <string>
#include <string_view>

namespace quiver {

using MonthDayNanos = arrow::MonthDayNanoIntervalType::MonthDayNanos;

/// PostgreSQL's to_char(timestamp, format) for microseconds since 1970-01-01 00:00.
/// `zone` is what TZ prints ("UTC" for timestamptz, "" for timestamp). Supports the
/// template patterns of PostgreSQL's manual (YYYY, MM, Mon, Month, DD, D, DDD, HH24,
/// HH12, MI, SS, MS, US, FF1-6, AM/PM, Day/Dy, Q, WW, IW, IYYY, CC, J, RM, TZ, OF …),
/// the FM prefix, the TH suffix and "quoted text".
arrow::Result<std::string> FormatTimestamp(int64_t micros, std::string_view format, std::string_view zone);

/// PostgreSQL's to_timestamp(text, format): microseconds since 1970-01-01 00:00.
/// Fields that the format does not set default to 1 (month, day) or 0 (time).
arrow::Result<int64_t> ParseTimestamp(std::string_view text, std::string_view format);

/// PostgreSQL's age(later, earlier): the symbolic difference in years and months (as
/// months), days and time, borrowing days from the month as PostgreSQL does.
MonthDayNanos Age(int64_t later_micros, int64_t earlier_micros);

/// PostgreSQL's make_timestamp: microseconds since 1970-01-01 00:00. Negative years
/// are BC (there is no year 0).
arrow::Result<int64_t> MakeTimestamp(int64_t year, int64_t month, int64_t day, int64_t hour, int64_t minute,
                                     double second);

/// extract(field FROM interval) as PostgreSQL computes it; `field` is lower case.
/// epoch counts a year as 365.25 days and a month as 30 days.
arrow::Result<double> IntervalPart(MonthDayNanos interval, std::string_view field);

/// Registers quiver_to_char, quiver_to_timestamp, quiver_to_date, quiver_age,
/// quiver_make_timestamp and quiver_interval_part.
arrow::Status RegisterDateTimeKernels(arrow::compute::FunctionRegistry* registry);

}  // namespace quiver
