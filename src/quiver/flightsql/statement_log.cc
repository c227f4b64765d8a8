#include "quiver/flightsql/statement_log.h"

#include <cstdio>
#include <regex>
#include <sstream>

namespace quiver::flightsql {

namespace {

constexpr size_t kMaxLoggedSql = 500;

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// Passwords never reach the log: the quoted string after PASSWORD becomes '***'.
std::string WithoutPasswords(std::string_view sql) {
  static const std::regex password(R"((password\s+)'(?:[^']|'')*')", std::regex::icase);
  return std::regex_replace(std::string(sql), password, "$1'***'");
}

}  // namespace

std::string StatementLog::Format(int64_t id, std::string_view sql_as_sent, const StatementOutcome& outcome) {
  const std::string redacted = WithoutPasswords(sql_as_sent);
  std::string_view sql = redacted;
  std::string shown = Escape(sql.substr(0, kMaxLoggedSql));
  if (sql.size() > kMaxLoggedSql) shown += "...";
  char duration[32];
  std::snprintf(duration, sizeof(duration), "%.1f", outcome.duration_ms);
  std::ostringstream line;
  line << "stmt=" << id << " rows=" << outcome.rows << " bytes=" << outcome.bytes << " duration_ms=" << duration
       << " status=";
  if (outcome.status.find_first_of(" \"") == std::string::npos) {
    line << outcome.status;
  } else {
    line << '"' << Escape(outcome.status) << '"';
  }
  line << " sql=\"" << shown << '"';
  return line.str();
}

void StatementLog::Write(int64_t id, std::string_view sql, const StatementOutcome& outcome) {
  std::string line = Format(id, sql, outcome) + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

double MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace quiver::flightsql
