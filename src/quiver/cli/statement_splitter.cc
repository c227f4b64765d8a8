#include "quiver/cli/statement_splitter.h"

#include <cctype>

namespace quiver::cli {
namespace {

bool IsIdentifierChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}

// A dollar-quote opener at `pos` ("$$" or "$tag$", tag an identifier not starting with
// a digit); returns its length, or 0 when `pos` starts something else (e.g. "$1").
size_t DollarTagLength(std::string_view text, size_t pos) {
  if (pos > 0 && IsIdentifierChar(text[pos - 1])) return 0;  // part of a name like a$b
  size_t i = pos + 1;
  if (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) return 0;
  while (i < text.size() && IsIdentifierChar(text[i]) && text[i] != '$') ++i;
  if (i < text.size() && text[i] == '$') return i - pos + 1;
  return 0;
}

/// Walks SQL text one token boundary at a time, knowing whether it is inside a literal
/// or comment; `on_semicolon` is called for each top-level `;` with its offset.
template <typename OnSemicolon>
void Scan(std::string_view text, OnSemicolon on_semicolon, bool* ends_inside_literal = nullptr) {
  size_t i = 0;
  const size_t n = text.size();
  bool inside = false;
  while (i < n) {
    char c = text[i];
    inside = false;
    if (c == '-' && i + 1 < n && text[i + 1] == '-') {
      while (i < n && text[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < n && text[i + 1] == '*') {
      int depth = 1;
      i += 2;
      inside = true;
      while (i < n && depth > 0) {
        if (text[i] == '/' && i + 1 < n && text[i + 1] == '*') {
          ++depth;
          i += 2;
        } else if (text[i] == '*' && i + 1 < n && text[i + 1] == '/') {
          --depth;
          i += 2;
        } else {
          ++i;
        }
      }
      inside = depth > 0;
    } else if (c == '\'' || c == '"') {
      // E'…' strings allow backslash escapes; everywhere a doubled quote is a quote.
      const bool backslash_escapes = c == '\'' && i > 0 && (text[i - 1] == 'E' || text[i - 1] == 'e') &&
                                     (i < 2 || !IsIdentifierChar(text[i - 2]));
      ++i;
      inside = true;
      while (i < n) {
        if (backslash_escapes && text[i] == '\\' && i + 1 < n) {
          i += 2;
        } else if (text[i] == c) {
          if (i + 1 < n && text[i + 1] == c) {
            i += 2;
          } else {
            ++i;
            inside = false;
            break;
          }
        } else {
          ++i;
        }
      }
    } else if (c == '$' && DollarTagLength(text, i) > 0) {
      const size_t tag_length = DollarTagLength(text, i);
      const std::string_view tag = text.substr(i, tag_length);
      const size_t close = text.find(tag, i + tag_length);
      inside = close == std::string_view::npos;
      i = inside ? n : close + tag_length;
    } else {
      if (c == ';') on_semicolon(i);
      ++i;
    }
  }
  if (ends_inside_literal) *ends_inside_literal = inside;
}

bool IsOnlyWhitespaceAndComments(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
    } else if (text.substr(i, 2) == "--") {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (text.substr(i, 2) == "/*") {
      size_t end = text.find("*/", i + 2);
      if (end == std::string_view::npos) return true;
      i = end + 2;
    } else {
      return false;
    }
  }
  return true;
}

std::string_view Trim(std::string_view text) {
  size_t begin = 0;
  while (begin < text.size() && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  size_t end = text.size();
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return text.substr(begin, end - begin);
}

int LineAt(std::string_view text, size_t offset) {
  int line = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

}  // namespace

std::vector<ScriptStatement> SplitStatements(std::string_view script) {
  std::vector<size_t> ends;
  Scan(script, [&](size_t offset) { ends.push_back(offset); });
  ends.push_back(script.size());

  std::vector<ScriptStatement> statements;
  size_t start = 0;
  for (size_t end : ends) {
    std::string_view piece = script.substr(start, end - start);
    if (!IsOnlyWhitespaceAndComments(piece)) {
      std::string_view trimmed = Trim(piece);
      const size_t offset = start + static_cast<size_t>(trimmed.data() - piece.data());
      statements.push_back({std::string(trimmed), LineAt(script, offset)});
    }
    start = end + 1;
  }
  return statements;
}

bool EndsWithCompleteStatement(std::string_view buffer) {
  size_t last_semicolon = std::string_view::npos;
  bool open_literal = false;
  Scan(buffer, [&](size_t offset) { last_semicolon = offset; }, &open_literal);
  if (open_literal || last_semicolon == std::string_view::npos) return false;
  return IsOnlyWhitespaceAndComments(buffer.substr(last_semicolon + 1));
}

}  // namespace quiver::cli
