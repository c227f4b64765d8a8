#include "quiver/cli/statement_kind.h"

#include <array>
#include <cctype>

namespace quiver::cli {

std::string FirstKeyword(std::string_view sql) {
  size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (std::isspace(static_cast<unsigned char>(c)) || c == '(') {
      ++i;
    } else if (sql.substr(i, 2) == "--") {
      while (i < sql.size() && sql[i] != '\n') ++i;
    } else if (sql.substr(i, 2) == "/*") {
      const size_t end = sql.find("*/", i + 2);
      if (end == std::string_view::npos) return "";
      i = end + 2;
    } else {
      break;
    }
  }
  std::string keyword;
  while (i < sql.size() && (std::isalpha(static_cast<unsigned char>(sql[i])) || sql[i] == '_')) {
    keyword += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i])));
    ++i;
  }
  return keyword;
}

bool ReturnsRows(std::string_view sql) {
  static constexpr std::array<std::string_view, 7> kQueryKeywords = {"SELECT",   "WITH",    "VALUES", "SHOW",
                                                                     "DESCRIBE", "EXPLAIN", "TABLE"};
  const std::string keyword = FirstKeyword(sql);
  for (std::string_view query_keyword : kQueryKeywords) {
    if (keyword == query_keyword) return true;
  }
  return false;
}

}  // namespace quiver::cli
