#pragma once

#include <arrow/status.h>

#include <string>
#include <string_view>
#include <vector>

namespace quiver::sql {

/// " at line L, column C" (1-based) for a byte offset into `text`; empty if the offset
/// is unknown (negative). Every SQL error that has a position ends with this suffix,
/// which clients parse to draw a caret under the spot.
std::string LocationSuffix(std::string_view text, int offset);

/// An InvalidArgument-style error (arrow Invalid) about the SQL text at `offset`.
template <typename... Args>
arrow::Status SqlError(std::string_view text, int offset, Args&&... args) {
  return arrow::Status::Invalid(std::forward<Args>(args)..., LocationSuffix(text, offset));
}

struct StatementText {
  int offset = 0;    // where it starts in the whole text
  std::string text;  // without the terminating ';'
};

/// Splits a script into statements at top-level semicolons: semicolons inside quoted
/// strings, quoted identifiers, dollar-quoted strings and comments do not split.
/// Statements that are only whitespace and comments are dropped.
std::vector<StatementText> SplitStatements(std::string_view text);

/// True when `text` ends, outside quotes and comments, with a `;` followed only by
/// whitespace and comments: an interactive prompt has a whole statement to run.
bool EndsWithCompleteStatement(std::string_view text);

/// Rewrites JDBC/ODBC-style `?` placeholders to PostgreSQL's `$1`, `$2` … (libpg_query
/// reads `?` as an operator). Quoted text and comments are left alone. The rewrite
/// keeps every other byte where it was only if no `?` appears; callers use it before
/// parsing and report positions against the rewritten text.
std::string RewriteQuestionMarkPlaceholders(std::string_view text);

}  // namespace quiver::sql
