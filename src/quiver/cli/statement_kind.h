#pragma once

#include <string>
#include <string_view>

namespace quiver::cli {

/// The first keyword of a statement, upper-cased, skipping leading whitespace, comments
/// and opening parentheses ("(SELECT …)" is a SELECT). Empty when there is none.
std::string FirstKeyword(std::string_view sql);

/// Whether the client should run `sql` as a query (CommandStatementQuery, rows come
/// back) or as an update (CommandStatementUpdate, a row count comes back). Decided by
/// the first keyword: SELECT, WITH, VALUES, SHOW, DESCRIBE, EXPLAIN and TABLE are queries.
bool ReturnsRows(std::string_view sql);

}  // namespace quiver::cli
