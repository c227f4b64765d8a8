#pragma once

#include <arrow/result.h>

#include <optional>
#include <string_view>

#include "quiver/sql/ast.h"

namespace quiver::sql {

/// Statements PostgreSQL's grammar does not have, parsed with a small PEGTL grammar:
///
///   CREATE [OR REPLACE] EXTERNAL TABLE [IF NOT EXISTS] name [(column type, …)]
///     STORED AS PARQUET | CSV
///     LOCATION 'file, directory or glob'
///     [WITH HEADER ROW] [DELIMITER 'c'] [PARTITIONED BY (column, …)]
///     [OPTIONS (key 'value', …)]            -- clauses after the name in any order
///   DESCRIBE | DESC name
///
/// Returns nullopt when `text` is not one of these statements (the caller then hands it
/// to libpg_query), or an error with line and column when it is one but malformed.
arrow::Result<std::optional<Statement>> ParseQuiverStatement(std::string_view text);

}  // namespace quiver::sql
