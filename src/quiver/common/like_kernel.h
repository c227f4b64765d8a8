#pragma once

#include <arrow/compute/registry.h>
#include <arrow/status.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace quiver {

/// The function name of Quiver's LIKE for patterns of literal pieces between `%`.
inline constexpr const char* kPiecewiseLikeFunction = "quiver_match_like";

/// A LIKE pattern made only of literal pieces and `%` (no `_`, no escapes), with at
/// least two pieces: `%special%requests%`, `a%b`. Arrow's match_like runs such a
/// pattern through a regular expression; finding each piece in turn with memmem is
/// several times faster. (Arrow's own fast paths already cover one piece: `a%`,
/// `%a`, `%a%`.)
struct PiecewiseLikePattern {
  std::vector<std::string> pieces;  // in order, none empty
  bool anchored_start = false;      // no `%` before the first piece
  bool anchored_end = false;        // no `%` after the last piece

  /// The pattern's pieces; nullopt when the pattern is not of this kind.
  static std::optional<PiecewiseLikePattern> Parse(std::string_view pattern);

  /// Whether `text` matches, byte by byte (a piece of valid UTF-8 cannot match
  /// starting inside another character).
  bool Matches(std::string_view text) const;
};

/// Registers quiver_match_like(utf8 | large_utf8 | string_view) → boolean, taking
/// Arrow's MatchSubstringOptions (the pattern, which must be piecewise, and
/// ignore_case, which must be false). String views are read as they are, so a scan
/// filter need not convert the column first.
arrow::Status RegisterPiecewiseLike(arrow::compute::FunctionRegistry* registry);

}  // namespace quiver
