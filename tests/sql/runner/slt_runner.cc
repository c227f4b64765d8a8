#include "slt_runner.h"

#include <algorithm>
#include <cctype>
#include <ostream>

namespace quiver::sqllogictest {
namespace {

std::string Lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

void PrintRows(const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
  for (const auto& row : rows) {
    out << "    ";
    for (size_t i = 0; i < row.size(); ++i) out << (i ? "\t" : "") << row[i];
    out << "\n";
  }
  if (rows.empty()) out << "    (no rows)\n";
}

void PrintHeader(const std::string& file_name, const Record& record, const std::string& what, std::ostream& out) {
  out << file_name << ":" << record.line << ": " << what << "\n";
  out << "  SQL:\n";
  size_t start = 0;
  while (start <= record.sql.size()) {
    size_t end = record.sql.find('\n', start);
    if (end == std::string::npos) end = record.sql.size();
    out << "    " << record.sql.substr(start, end - start) << "\n";
    start = end + 1;
  }
}

// Checks one record; on mismatch writes the report and returns false.
bool CheckRecord(const std::string& file_name, const Record& record, const Outcome& outcome, std::ostream& report) {
  switch (record.kind) {
    case Record::Kind::kStatementOk:
      if (outcome.ok) return true;
      PrintHeader(file_name, record, "statement failed", report);
      report << "  error: " << outcome.error << "\n\n";
      return false;
    case Record::Kind::kStatementError:
      if (!outcome.ok) {
        if (Lowercase(outcome.error).find(Lowercase(record.expected_error)) != std::string::npos) return true;
        PrintHeader(file_name, record, "statement failed with an unexpected message", report);
        report << "  expected message containing: " << record.expected_error << "\n";
        report << "  actual message: " << outcome.error << "\n\n";
        return false;
      }
      PrintHeader(file_name, record, "statement succeeded but an error was expected", report);
      report << "  expected message containing: " << record.expected_error << "\n\n";
      return false;
    case Record::Kind::kQuery: {
      if (!outcome.ok) {
        PrintHeader(file_name, record, "query failed", report);
        report << "  error: " << outcome.error << "\n\n";
        return false;
      }
      if (!outcome.returned_rows) {
        PrintHeader(file_name, record, "statement returned no result set", report);
        report << "\n";
        return false;
      }
      if (outcome.num_columns != static_cast<int>(record.column_types.size())) {
        PrintHeader(file_name, record, "wrong number of columns", report);
        report << "  expected " << record.column_types.size() << " (" << record.column_types << "), got "
               << outcome.num_columns << "\n";
        report << "  actual:\n";
        PrintRows(outcome.rows, report);
        report << "\n";
        return false;
      }
      auto expected = ApplySortMode(record.expected_rows, record.sort_mode);
      auto actual = ApplySortMode(outcome.rows, record.sort_mode);
      if (expected == actual) return true;
      PrintHeader(file_name, record, "wrong result", report);
      report << "  expected:\n";
      PrintRows(expected, report);
      report << "  actual:\n";
      PrintRows(actual, report);
      report << "\n";
      return false;
    }
    case Record::Kind::kHalt:
      return true;
  }
  return false;
}

}  // namespace

std::vector<std::vector<std::string>> ApplySortMode(std::vector<std::vector<std::string>> rows, SortMode mode) {
  switch (mode) {
    case SortMode::kNoSort:
      return rows;
    case SortMode::kRowSort:
      std::sort(rows.begin(), rows.end());
      return rows;
    case SortMode::kValueSort: {
      std::vector<std::vector<std::string>> values;
      for (auto& row : rows) {
        for (auto& value : row) values.push_back({std::move(value)});
      }
      std::sort(values.begin(), values.end());
      return values;
    }
  }
  return rows;
}

FileSummary RunRecords(const std::string& file_name, const std::vector<Record>& records, const Executor& execute,
                       std::ostream& report) {
  FileSummary summary;
  for (const Record& record : records) {
    if (record.kind == Record::Kind::kHalt) break;
    Outcome outcome = execute(record.sql, record.column_types);
    if (CheckRecord(file_name, record, outcome, report)) {
      ++summary.passed;
    } else {
      ++summary.failed;
    }
  }
  return summary;
}

}  // namespace quiver::sqllogictest
