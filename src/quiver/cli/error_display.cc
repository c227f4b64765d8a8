#include "quiver/cli/error_display.h"

#include <regex>
#include <string>
#include <vector>

namespace quiver::cli {
namespace {

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (true) {
    size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return lines;
}

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The whitespace that puts a caret under the `column`-th character of `line`: tabs are
// copied so the caret lines up however the terminal expands them.
std::string CaretPadding(std::string_view line, int column) {
  std::string padding;
  int character = 1;
  for (size_t i = 0; i < line.size() && character < column; ++i) {
    if (IsContinuationByte(line[i])) continue;
    padding += line[i] == '\t' ? '\t' : ' ';
    ++character;
  }
  // A column past the end of the line (e.g. "unexpected end of input") points just after it.
  while (character < column) {
    padding += ' ';
    ++character;
  }
  return padding;
}

}  // namespace

std::optional<SourcePosition> FindErrorPosition(std::string_view message) {
  static const std::regex kPosition(R"(at line (\d+), column (\d+)\s*\.?\s*$)");
  std::match_results<std::string_view::const_iterator> match;
  if (!std::regex_search(message.begin(), message.end(), match, kPosition)) return std::nullopt;
  SourcePosition position;
  position.line = std::stoi(match[1].str());
  position.column = std::stoi(match[2].str());
  if (position.line < 1 || position.column < 1) return std::nullopt;
  return position;
}

std::string FormatError(std::string_view sql, std::string_view message, int first_line) {
  std::string text = "ERROR: " + std::string(message) + "\n";
  const auto position = FindErrorPosition(message);
  if (!position) return text;
  const std::vector<std::string_view> lines = SplitLines(sql);
  if (position->line > static_cast<int>(lines.size())) return text;
  const std::string_view line = lines[position->line - 1];
  const std::string label = "LINE " + std::to_string(first_line + position->line - 1) + ": ";
  text += label + std::string(line) + "\n";
  text += std::string(label.size(), ' ') + CaretPadding(line, position->column) + "^\n";
  return text;
}

}  // namespace quiver::cli
