#pragma once

#include <arrow/result.h>
#include <arrow/type.h>

#include <string_view>

namespace quiver::plan {

/// Reads PostgreSQL interval text: '1 day', '3 months', '1 year 2 mons 3 days',
/// '-2 hours', '1 day 02:30:00', '90' with a unit given by the type (`interval '90'
/// day`). `unit_mask` is PostgreSQL's interval typmod field mask (0 when absent).
arrow::Result<arrow::MonthDayNanoIntervalType::MonthDayNanos> ParseIntervalText(std::string_view text,
                                                                                int unit_mask = 0);

}  // namespace quiver::plan
