#include "quiver/engine/text_lines.h"

#include <sstream>

namespace quiver::engine {

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

}  // namespace quiver::engine
