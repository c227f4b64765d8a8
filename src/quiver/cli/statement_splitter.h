#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace quiver::cli {

/// One statement cut out of a script, with where it starts in the script (1-based line
/// of its first non-blank character) so errors can point into the file.
struct ScriptStatement {
  std::string text;  // without the terminating `;`, trimmed of surrounding whitespace
  int first_line = 1;
};

/// Splits SQL text at `;` that are outside string literals ('…', E'…', $tag$…$tag$),
/// quoted identifiers ("…") and comments (-- …, /* … */, which nest as in PostgreSQL).
/// Statements that are empty or only comments are dropped; a last statement without a
/// terminating `;` is kept.
std::vector<ScriptStatement> SplitStatements(std::string_view script);

/// True when `buffer` ends, outside quotes and comments, with a `;` followed by nothing
/// but whitespace and comments: the interactive prompt stops asking for more lines.
bool EndsWithCompleteStatement(std::string_view buffer);

}  // namespace quiver::cli
