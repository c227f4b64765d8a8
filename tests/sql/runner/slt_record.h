#pragma once

#include <string>
#include <vector>

namespace quiver::sqllogictest {

/// How a query's rows are compared: as returned, or after sorting (for queries whose
/// order SQL leaves undefined).
enum class SortMode { kNoSort, kRowSort, kValueSort };

/// One record of a .test file: a statement that must succeed or fail, or a query with
/// its expected rows. `line` is the 1-based line of the record's header, for messages.
struct Record {
  enum class Kind { kStatementOk, kStatementError, kQuery, kHalt };

  Kind kind = Kind::kStatementOk;
  int line = 0;
  std::string sql;
  /// statement error: a substring the error message must contain (may be empty).
  std::string expected_error;
  /// query: one letter per result column (I integer, R real, T text; see README).
  std::string column_types;
  SortMode sort_mode = SortMode::kNoSort;
  /// query: each expected row as its tab-separated values.
  std::vector<std::vector<std::string>> expected_rows;
};

}  // namespace quiver::sqllogictest
