#pragma once

#include <string>
#include <string_view>

namespace quiver::flightsql {

/// A SQL LIKE pattern as used by Flight SQL's metadata filters: `%` matches any run
/// of characters (including none), `_` exactly one character, and a backslash makes
/// the next character literal (the escape GetSqlInfo reports as
/// SQL_SEARCH_STRING_ESCAPE). Matching is case-sensitive and by byte, except that
/// `_` consumes a whole UTF-8 character.
class LikePattern {
 public:
  explicit LikePattern(std::string pattern) : pattern_(std::move(pattern)) {}

  bool Matches(std::string_view text) const;

 private:
  std::string pattern_;
};

}  // namespace quiver::flightsql
