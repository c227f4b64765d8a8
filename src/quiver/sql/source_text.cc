#include "quiver/sql/source_text.h"

#include <cctype>
#include <functional>

namespace quiver::sql {

std::string LocationSuffix(std::string_view text, int offset) {
  if (offset < 0) return "";
  int line = 1;
  int column = 1;
  for (int i = 0; i < offset && i < static_cast<int>(text.size()); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;  // count characters, not UTF-8 continuation bytes
    }
  }
  return " at line " + std::to_string(line) + ", column " + std::to_string(column);
}

namespace {

// Walks SQL text and calls `on_code` for each byte that is plain code (not inside a
// string, quoted identifier, dollar-quoted string or comment).
void ScanCode(std::string_view text, const std::function<void(size_t)>& on_code) {
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    char c = text[i];
    if (c == '\'' || c == '"') {
      // Quoted string or identifier; a doubled quote is an escaped quote. E'…' strings
      // use backslash escapes.
      bool backslash_escapes = c == '\'' && i > 0 && (text[i - 1] == 'E' || text[i - 1] == 'e');
      char quote = c;
      ++i;
      while (i < n) {
        if (backslash_escapes && text[i] == '\\') {
          i += 2;
          continue;
        }
        if (text[i] == quote) {
          if (i + 1 < n && text[i + 1] == quote) {
            i += 2;
            continue;
          }
          break;
        }
        ++i;
      }
      ++i;
    } else if (c == '-' && i + 1 < n && text[i + 1] == '-') {
      while (i < n && text[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < n && text[i + 1] == '*') {
      int depth = 0;  // PostgreSQL block comments nest
      while (i < n) {
        if (text.compare(i, 2, "/*") == 0) {
          ++depth;
          i += 2;
        } else if (text.compare(i, 2, "*/") == 0) {
          i += 2;
          if (--depth == 0) break;
        } else {
          ++i;
        }
      }
    } else if (c == '$' && (i == 0 || !(std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '_'))) {
      // $tag$ … $tag$ (the tag may be empty); `$1` is a parameter, not a quote.
      size_t j = i + 1;
      while (j < n && (std::isalpha(static_cast<unsigned char>(text[j])) || text[j] == '_')) ++j;
      if (j < n && text[j] == '$') {
        std::string_view tag = text.substr(i, j - i + 1);
        size_t end = text.find(tag, j + 1);
        i = end == std::string_view::npos ? n : end + tag.size();
      } else {
        on_code(i);
        ++i;
      }
    } else {
      on_code(i);
      ++i;
    }
  }
}

// True if `text` holds nothing but whitespace and comments.
bool IsBlankOrComment(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 2, "--") == 0) {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (text.compare(i, 2, "/*") == 0) {
      size_t end = text.find("*/", i + 2);
      i = end == std::string_view::npos ? text.size() : end + 2;
    } else if (std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

std::vector<StatementText> SplitStatements(std::string_view text) {
  std::vector<StatementText> statements;
  size_t start = 0;
  auto emit = [&](size_t end) {
    std::string_view piece = text.substr(start, end - start);
    if (!IsBlankOrComment(piece)) {
      statements.push_back({static_cast<int>(start), std::string(piece)});
    }
  };
  ScanCode(text, [&](size_t i) {
    if (text[i] == ';') {
      emit(i);
      start = i + 1;
    }
  });
  emit(text.size());
  return statements;
}

bool EndsWithCompleteStatement(std::string_view text) {
  size_t last_semicolon = std::string_view::npos;
  ScanCode(text, [&](size_t i) {
    if (text[i] == ';') last_semicolon = i;
  });
  // An unterminated quote or comment after the last `;` is not blank, so it counts as
  // an unfinished statement.
  return last_semicolon != std::string_view::npos && IsBlankOrComment(text.substr(last_semicolon + 1));
}

std::string RewriteQuestionMarkPlaceholders(std::string_view text) {
  std::vector<size_t> marks;
  ScanCode(text, [&](size_t i) {
    if (text[i] == '?') marks.push_back(i);
  });
  if (marks.empty()) return std::string(text);
  std::string out;
  size_t copied = 0;
  int number = 0;
  for (size_t mark : marks) {
    out.append(text.substr(copied, mark - copied));
    out += "$" + std::to_string(++number);
    copied = mark + 1;
  }
  out.append(text.substr(copied));
  return out;
}

}  // namespace quiver::sql
