#pragma once

#include <arrow/status.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace quiver::flightsql {

/// What one statement did, as logged when it finishes.
struct StatementOutcome {
  int64_t rows = 0;
  int64_t bytes = 0;
  double duration_ms = 0;
  /// "ok", "error: <message>", or "aborted" for a client that went away mid-stream.
  std::string status = "ok";
};

/// One line on stderr per statement: its id, rows, bytes, duration and SQL, e.g.
///   stmt=17 rows=100 bytes=4096 duration_ms=3.2 status=ok sql="SELECT …"
/// Ids count up from 1 for the life of the server, so the lines of concurrent
/// statements can be told apart.
class StatementLog {
 public:
  int64_t NextId() { return ++last_id_; }

  /// Formats the line (without newline). Long SQL is shortened; quotes, backslashes
  /// and line breaks in it are escaped so that each statement stays on one line.
  static std::string Format(int64_t id, std::string_view sql, const StatementOutcome& outcome);

  /// Writes the line in a single write so lines of concurrent statements do not mix.
  static void Write(int64_t id, std::string_view sql, const StatementOutcome& outcome);

 private:
  std::atomic<int64_t> last_id_{0};
};

/// Milliseconds since `start`, for StatementOutcome::duration_ms.
double MillisecondsSince(std::chrono::steady_clock::time_point start);

}  // namespace quiver::flightsql
