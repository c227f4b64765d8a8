#include "quiver/flightsql/like_pattern.h"

#include <vector>

namespace quiver::flightsql {

namespace {

// Length of the UTF-8 character starting at text[i] (1 for invalid lead bytes).
size_t CharLength(std::string_view text, size_t i) {
  auto lead = static_cast<unsigned char>(text[i]);
  size_t n = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 1;
  return i + n <= text.size() ? n : 1;
}

}  // namespace

bool LikePattern::Matches(std::string_view text) const {
  // Iterative matcher with backtracking to the last '%': linear in practice and
  // never recursive, so hostile patterns cannot blow the stack.
  size_t p = 0, t = 0;
  size_t star_p = std::string::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern_.size()) {
      char c = pattern_[p];
      if (c == '%') {
        star_p = ++p;
        star_t = t;
        continue;
      }
      if (c == '_') {
        ++p;
        t += CharLength(text, t);
        continue;
      }
      if (c == '\\' && p + 1 < pattern_.size()) c = pattern_[++p];
      if (c == text[t]) {
        ++p;
        ++t;
        continue;
      }
    }
    if (star_p == std::string::npos) return false;
    p = star_p;
    star_t += CharLength(text, star_t);
    t = star_t;
  }
  while (p < pattern_.size() && pattern_[p] == '%') ++p;
  return p == pattern_.size();
}

}  // namespace quiver::flightsql
