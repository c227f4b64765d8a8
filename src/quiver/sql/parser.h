#pragma once

#include <arrow/result.h>

#include <string_view>
#include <vector>

#include "quiver/sql/ast.h"

namespace quiver::sql {

/// Parses SQL text (one or more `;`-separated statements) into Quiver's AST.
/// PostgreSQL syntax goes through libpg_query; Quiver-only statements through the
/// PEGTL grammar in quiver_statement_grammar.h. `?` placeholders become `$1`, `$2` ….
/// Errors are Invalid and end with "at line L, column C" of the text as submitted.
arrow::Result<std::vector<Statement>> ParseSql(std::string_view text);

/// Parses text that must hold exactly one statement.
arrow::Result<Statement> ParseSingleStatement(std::string_view text);

}  // namespace quiver::sql
