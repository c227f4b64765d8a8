#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace quiver::cli {

/// A position in SQL text as the engine reports it: 1-based line and column, the column
/// counted in characters (UTF-8 code points).
struct SourcePosition {
  int line = 0;
  int column = 0;
};

/// The position named by a message ending in "at line L, column C" (the engine's
/// convention), if there is one.
std::optional<SourcePosition> FindErrorPosition(std::string_view message);

/// The text shown for a failed statement: "ERROR: <message>", then — when the message
/// names a position inside `sql` — the offending line and a caret under the column:
///
///   ERROR: column "nope" does not exist at line 1, column 8
///   LINE 1: SELECT nope FROM t
///                  ^
///
/// `first_line` is the line of `sql` within its script, so a statement read from a file
/// is labelled with the file's line numbers.
std::string FormatError(std::string_view sql, std::string_view message, int first_line = 1);

}  // namespace quiver::cli
