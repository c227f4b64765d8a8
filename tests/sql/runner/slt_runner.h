#pragma once

#include <arrow/result.h>

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "slt_record.h"

namespace quiver::sqllogictest {

/// What running one statement gave back, already rendered as text.
struct Outcome {
  bool ok = true;
  std::string error;                           // when !ok
  bool returned_rows = false;                  // a query (as opposed to DDL)
  std::vector<std::vector<std::string>> rows;  // rendered with the record's column types
  int num_columns = 0;
};

/// Runs one SQL statement; `column_types` tells how to render the values of a query.
using Executor = std::function<Outcome(const std::string& sql, const std::string& column_types)>;

struct FileSummary {
  int passed = 0;
  int failed = 0;
};

/// Runs every record of one test file through `execute`, reporting each mismatch to
/// `report` as "file:line" with the SQL, the expected and the actual outcome. Keeps going
/// after a failure so one run shows everything that is wrong in a file.
FileSummary RunRecords(const std::string& file_name, const std::vector<Record>& records, const Executor& execute,
                       std::ostream& report);

/// Sorts rows as the record's sort mode asks (rows as wholes, or every value singly).
std::vector<std::vector<std::string>> ApplySortMode(std::vector<std::vector<std::string>> rows, SortMode mode);

}  // namespace quiver::sqllogictest
