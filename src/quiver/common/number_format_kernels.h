#pragma once

#include <arrow/compute/registry.h>
#include <arrow/result.h>

#include <string>
#include <string_view>

namespace quiver {

/// PostgreSQL's to_char(number, format) for a number given as decimal text ("-12.5";
/// text with an exponent is read as a double). Supports the template patterns 9, 0,
/// . and D (decimal point), , and G (group separator), S, MI, SG, PL, PR, the FM
/// prefix and "quoted text"; the point and separator are '.' and ',' (C locale).
/// Values round half away from zero; too many integer digits print as '#'.
arrow::Result<std::string> FormatNumber(std::string_view number, std::string_view format);

/// Registers quiver_to_char_number(utf8 number, utf8 format) → utf8.
arrow::Status RegisterNumberFormatKernels(arrow::compute::FunctionRegistry* registry);

}  // namespace quiver
