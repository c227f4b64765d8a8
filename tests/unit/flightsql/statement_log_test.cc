#include "quiver/flightsql/statement_log.h"

#include <gtest/gtest.h>

namespace quiver::flightsql {
namespace {

TEST(StatementLogTest, FormatsOneLineWithEveryMeasure) {
  StatementOutcome outcome;
  outcome.rows = 100;
  outcome.bytes = 4096;
  outcome.duration_ms = 3.24;
  EXPECT_EQ(StatementLog::Format(17, "SELECT * FROM t", outcome),
            "stmt=17 rows=100 bytes=4096 duration_ms=3.2 status=ok sql=\"SELECT * FROM t\"");
}

TEST(StatementLogTest, EscapesSqlSoTheLineStaysOneLine) {
  StatementOutcome outcome;
  std::string line = StatementLog::Format(1, "SELECT \"a\"\nFROM t", outcome);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find("sql=\"SELECT \\\"a\\\"\\nFROM t\""), std::string::npos) << line;
}

TEST(StatementLogTest, QuotesStatusesWithSpacesAndShortensLongSql) {
  StatementOutcome outcome;
  outcome.status = "error: table \"t\" does not exist";
  std::string line = StatementLog::Format(2, std::string(2000, 'x'), outcome);
  EXPECT_NE(line.find("status=\"error: table \\\"t\\\" does not exist\""), std::string::npos) << line;
  EXPECT_LT(line.size(), 700u);
  EXPECT_NE(line.find("...\""), std::string::npos);
}

TEST(StatementLogTest, IdsCountUp) {
  StatementLog log;
  EXPECT_EQ(log.NextId(), 1);
  EXPECT_EQ(log.NextId(), 2);
}

}  // namespace
}  // namespace quiver::flightsql

namespace quiver::flightsql {
namespace {

TEST(StatementLogTest, PasswordsAreNeverLogged) {
  StatementOutcome outcome;
  std::string line = StatementLog::Format(3, "CREATE USER ann WITH PASSWORD 'se''cret' SUPERUSER", outcome);
  EXPECT_EQ(line.find("se''cret"), std::string::npos) << line;
  EXPECT_NE(line.find("PASSWORD '***' SUPERUSER"), std::string::npos) << line;
  line = StatementLog::Format(4, "alter user ann password 'x'", outcome);
  EXPECT_NE(line.find("password '***'"), std::string::npos) << line;
}

}  // namespace
}  // namespace quiver::flightsql
