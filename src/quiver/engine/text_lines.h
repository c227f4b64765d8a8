#pragma once

#include <string>
#include <vector>

namespace quiver::engine {

/// The lines of a multi-line text (a printed plan), without their line ends: EXPLAIN
/// gives each line a row of its own.
std::vector<std::string> SplitLines(const std::string& text);

}  // namespace quiver::engine
