#pragma once

#include <arrow/status.h>
#include <arrow/type_fwd.h>

#include <iosfwd>
#include <string>
#include <string_view>

namespace quiver::cli {

/// How `quiver sql` prints a result.
///  - kTable: an aligned box with a header row; numbers right-aligned, NULL as `NULL`.
///  - kCsv: RFC 4180, a header row first; NULL is an empty field, an empty string is "".
///  - kJson: JSON Lines — one object per row, keys in column order, numbers and booleans
///    as JSON values, NULL as null, everything else as a string. One object per line
///    keeps results streamable and lets several results follow each other.
enum class OutputFormat { kTable, kCsv, kJson };

/// Parses "table", "csv" or "json".
bool ParseOutputFormat(std::string_view name, OutputFormat* format);

arrow::Status PrintResult(const arrow::Table& table, OutputFormat format, std::ostream& out);

/// Columns a terminal needs for `text`: one per character, two for East Asian wide and
/// emoji characters, none for combining marks.
int DisplayWidth(std::string_view text);

/// The text of one value as the table and csv formats show it ("NULL" for null).
std::string ValueText(const arrow::Scalar& value);

}  // namespace quiver::cli
