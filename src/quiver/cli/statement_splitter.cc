#include "quiver/cli/statement_splitter.h"

#include <cctype>

#include "quiver/sql/source_text.h"

namespace quiver::cli {

std::vector<ScriptStatement> SplitStatements(std::string_view script) {
  std::vector<ScriptStatement> statements;
  for (auto& piece : sql::SplitStatements(script)) {
    // Trim surrounding whitespace and note the line where the statement starts.
    size_t begin = 0;
    while (begin < piece.text.size() && std::isspace(static_cast<unsigned char>(piece.text[begin]))) ++begin;
    size_t end = piece.text.size();
    while (end > begin && std::isspace(static_cast<unsigned char>(piece.text[end - 1]))) --end;
    int line = 1;
    for (size_t i = 0; i < piece.offset + begin; ++i) line += script[i] == '\n';
    statements.push_back({piece.text.substr(begin, end - begin), line});
  }
  return statements;
}

bool EndsWithCompleteStatement(std::string_view buffer) { return sql::EndsWithCompleteStatement(buffer); }

}  // namespace quiver::cli
