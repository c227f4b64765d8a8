#include "slt_parser.h"

#include <arrow/status.h>

#include <sstream>

namespace quiver::sqllogictest {
namespace {

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

std::vector<std::string> SplitWords(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

bool IsBlank(const std::string& line) { return line.find_first_not_of(" \t") == std::string::npos; }

// Everything after the first `n` words of `line`, trimmed.
std::string RestAfterWords(const std::string& line, int n) {
  size_t pos = 0;
  for (int i = 0; i < n; ++i) {
    pos = line.find_first_not_of(" \t", pos);
    pos = line.find_first_of(" \t", pos);
    if (pos == std::string::npos) return "";
  }
  size_t begin = line.find_first_not_of(" \t", pos);
  if (begin == std::string::npos) return "";
  size_t end = line.find_last_not_of(" \t");
  return line.substr(begin, end - begin + 1);
}

}  // namespace

std::vector<std::string> SplitExpectedRow(std::string_view line) {
  std::vector<std::string> values;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    values.emplace_back(line.substr(start, tab == std::string_view::npos ? tab : tab - start));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  return values;
}

arrow::Result<std::vector<Record>> ParseTestFile(std::string_view text) {
  std::vector<std::string> lines = SplitLines(text);
  std::vector<Record> records;
  size_t i = 0;
  auto error = [&](size_t index, const std::string& what) {
    return arrow::Status::Invalid("line ", index + 1, ": ", what);
  };
  while (i < lines.size()) {
    const std::string& header = lines[i];
    if (IsBlank(header) || header[0] == '#') {
      ++i;
      continue;
    }
    std::vector<std::string> words = SplitWords(header);
    Record record;
    record.line = static_cast<int>(i) + 1;
    if (words[0] == "halt") {
      record.kind = Record::Kind::kHalt;
      records.push_back(std::move(record));
      break;
    }
    if (words[0] == "statement" && words.size() >= 2 && words[1] == "ok") {
      record.kind = Record::Kind::kStatementOk;
    } else if (words[0] == "statement" && words.size() >= 2 && words[1] == "error") {
      record.kind = Record::Kind::kStatementError;
      record.expected_error = RestAfterWords(header, 2);
    } else if (words[0] == "query" && words.size() >= 2) {
      record.kind = Record::Kind::kQuery;
      record.column_types = words[1];
      for (char c : record.column_types) {
        if (c != 'I' && c != 'R' && c != 'T' && c != 'B') {
          return error(i, "unknown column type letter '" + std::string(1, c) + "' in: " + header);
        }
      }
      if (words.size() >= 3) {
        if (words[2] == "nosort") {
          record.sort_mode = SortMode::kNoSort;
        } else if (words[2] == "rowsort") {
          record.sort_mode = SortMode::kRowSort;
        } else if (words[2] == "valuesort") {
          record.sort_mode = SortMode::kValueSort;
        } else {
          return error(i, "unknown sort mode '" + words[2] + "'");
        }
      }
      if (words.size() > 3) return error(i, "unexpected text after the sort mode: " + header);
    } else {
      return error(i, "expected 'statement ok', 'statement error', 'query' or 'halt', got: " + header);
    }
    ++i;

    // The SQL: every line up to a blank line (or `----` for queries).
    std::string sql;
    while (i < lines.size() && !IsBlank(lines[i]) && lines[i] != "----") {
      if (!sql.empty()) sql += '\n';
      sql += lines[i];
      ++i;
    }
    if (sql.empty()) return error(record.line - 1, "record has no SQL");
    record.sql = std::move(sql);

    if (record.kind == Record::Kind::kQuery) {
      if (i >= lines.size() || lines[i] != "----") {
        return error(record.line - 1, "query record has no '----' line");
      }
      ++i;
      while (i < lines.size() && !lines[i].empty()) {
        record.expected_rows.push_back(SplitExpectedRow(lines[i]));
        ++i;
      }
    } else if (i < lines.size() && lines[i] == "----") {
      return error(i, "'----' after a statement record");
    }
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace quiver::sqllogictest
