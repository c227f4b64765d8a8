// EXPLAIN ANALYZE: the query runs, its rows are counted per operator (exactly), and
// each line carries times, CPU time and, for operators that hold rows, memory.
#include <regex>

#include "engine_test_util.h"

namespace quiver::engine::testing {
namespace {

class ExplainAnalyze : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    WriteParquet(dir_ / "t" / "a.parquet", 0, 12000);
    WriteParquet(dir_ / "t" / "b.parquet", 12000, 8000);
    WriteParquet(dir_ / "u" / "a.parquet", 5000, 3000);
    Run("CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATION '" + (dir_ / "t").string() + "/'");
    Run("CREATE EXTERNAL TABLE u STORED AS PARQUET LOCATION '" + (dir_ / "u").string() + "/'");
  }

  std::vector<std::string> Analyze(const std::string& sql, const std::string& options = "ANALYZE") {
    auto table = Query("EXPLAIN " + options + " " + sql);
    EXPECT_TRUE(table.ok()) << sql << ": " << table.status().ToString();
    if (!table.ok()) return {};
    // The result is the plan text, never the query's rows.
    EXPECT_EQ((*table)->schema()->num_fields(), 1);
    EXPECT_EQ((*table)->schema()->field(0)->name(), "plan");
    return Rows("EXPLAIN " + options + " " + sql);
  }

  int64_t Count(const std::string& sql) { return std::stoll(Rows("SELECT count(*) FROM (" + sql + ") AS q")[0]); }

  static std::string Text(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& line : lines) text += line + "\n";
    return text;
  }

  // The first logical-plan line whose operator text starts with `prefix` ("" if none).
  static std::string OperatorLine(const std::vector<std::string>& lines, const std::string& prefix) {
    for (const auto& line : lines) {
      if (line == "Physical plan:") break;
      auto start = line.find_first_not_of(' ');
      if (start != std::string::npos && line.compare(start, prefix.size(), prefix) == 0) return line;
    }
    return "";
  }

  // The actual rows on that line (-1 when there is none).
  static int64_t ActualRows(const std::vector<std::string>& lines, const std::string& prefix) {
    static const std::regex kActual(R"(, actual (\d+) rows)");
    std::smatch match;
    const std::string line = OperatorLine(lines, prefix);
    if (std::regex_search(line, match, kActual)) return std::stoll(match[1]);
    return -1;
  }

  // The root operator is the line after "Logical plan:".
  static int64_t RootRows(const std::vector<std::string>& lines) {
    if (lines.size() < 2) return -1;
    return ActualRows({lines[1]}, lines[1].substr(lines[1].find_first_not_of(' '), 3));
  }

  // Every operator line has well-formed estimates, rows and times (first row no later
  // than the end); the summary has the total time, the rows and the peak memory.
  static void ExpectWellFormed(const std::vector<std::string>& lines, int64_t rows_returned) {
    static const std::regex kOperator(
        R"(\(estimated [0-9.]+[kMG]? rows, actual \d+ rows, time (\d+\.\d{3})\.\.(\d+\.\d{3}) s(, cpu \d+\.\d{3} s)?(, held \d+(\.\d)? (B|KiB|MiB|GiB))?\)( +-> \[.*\])?$)");
    static const std::regex kSummary(
        R"(^Execution time (\d+\.\d{3}) s, (\d+) rows returned \(discarded\), peak memory (\d+(\.\d)?) (B|KiB|MiB|GiB)$)");
    ASSERT_GE(lines.size(), 4u);
    EXPECT_EQ(lines[0], "Logical plan:");
    size_t operators = 0;
    for (size_t i = 1; i < lines.size() && lines[i] != "Physical plan:"; ++i) {
      std::smatch match;
      // A sort under a small LIMIT is part of the top-N node measured on the LIMIT's line.
      if (lines[i].find(", done by the top-N of the LIMIT above)") != std::string::npos) continue;
      ASSERT_TRUE(std::regex_search(lines[i], match, kOperator)) << lines[i];
      EXPECT_LE(std::stod(match[1]), std::stod(match[2])) << lines[i];
      // Scans have no CPU time of their own (their decoding runs outside the plan).
      const bool scan = lines[i].compare(lines[i].find_first_not_of(' '), 5, "Scan ") == 0;
      EXPECT_EQ(match[3].matched, !scan) << lines[i];
      ++operators;
    }
    EXPECT_GT(operators, 0u);
    std::smatch summary;
    ASSERT_TRUE(std::regex_match(lines.back(), summary, kSummary)) << lines.back();
    static const std::regex kCpu(
        R"(^CPU time \d+\.\d{3} s in operators other than scans, \d+\.\d{3} s in plan tasks not attributed$)");
    EXPECT_TRUE(std::regex_match(lines[lines.size() - 2], kCpu)) << lines[lines.size() - 2];
    EXPECT_EQ(std::stoll(summary[2]), rows_returned);
    EXPECT_EQ(Text(lines).find("quiver_metrics"), std::string::npos);
  }
};

TEST_F(ExplainAnalyze, FilterCountsTheRowsThatPass) {
  const std::string query = "SELECT id, name FROM t WHERE id % 7 = 3";
  auto lines = Analyze(query);
  const int64_t expected = Count(query);
  ASSERT_EQ(expected, 2857);
  ExpectWellFormed(lines, expected);
  EXPECT_EQ(RootRows(lines), expected) << Text(lines);
  // The filter is pushed into the scan, which counts the rows it lets through.
  EXPECT_EQ(ActualRows(lines, "Scan t"), expected) << Text(lines);
}

TEST_F(ExplainAnalyze, JoinCountsMatchesAndHoldsItsBuildSide) {
  const std::string query = "SELECT t.id, u.name FROM t JOIN u ON t.id = u.id WHERE u.id % 3 = 0";
  auto lines = Analyze(query);
  const int64_t expected = Count(query);
  ASSERT_EQ(expected, 1000);
  ExpectWellFormed(lines, expected);
  EXPECT_EQ(ActualRows(lines, "Inner Join"), expected) << Text(lines);
  EXPECT_EQ(ActualRows(lines, "Scan t"), 20000) << Text(lines);
  EXPECT_EQ(ActualRows(lines, "Scan u"), 1000) << Text(lines);
  // The build side (u's filtered rows) is what the join holds.
  EXPECT_NE(OperatorLine(lines, "Inner Join").find(", held "), std::string::npos) << Text(lines);
}

TEST_F(ExplainAnalyze, AggregateCountsGroups) {
  const std::string query = "SELECT name, count(*), sum(id) FROM t WHERE id >= 100 GROUP BY name";
  auto lines = Analyze(query);
  ExpectWellFormed(lines, 10);
  EXPECT_EQ(ActualRows(lines, "Aggregate"), Count(query)) << Text(lines);
  EXPECT_EQ(ActualRows(lines, "Aggregate"), 10) << Text(lines);
  EXPECT_EQ(ActualRows(lines, "Scan t"), Count("SELECT id FROM t WHERE id >= 100")) << Text(lines);
}

TEST_F(ExplainAnalyze, WindowCountsItsRowsAndHoldsItsInput) {
  const std::string query = "SELECT id, row_number() OVER (PARTITION BY name ORDER BY id) AS r FROM t WHERE id < 4321";
  auto lines = Analyze(query);
  const int64_t expected = Count(query);
  ASSERT_EQ(expected, 4321);
  ExpectWellFormed(lines, expected);
  EXPECT_EQ(ActualRows(lines, "Window"), expected) << Text(lines);
  EXPECT_NE(OperatorLine(lines, "Window").find(", held "), std::string::npos) << Text(lines);
  EXPECT_EQ(OperatorLine(lines, "Scan").find(", held "), std::string::npos) << Text(lines);
  EXPECT_EQ(RootRows(lines), expected) << Text(lines);
  EXPECT_NE(Text(lines).find("quiver_window"), std::string::npos) << Text(lines);
}

TEST_F(ExplainAnalyze, SortedLimitAndUnionStillRun) {
  auto sorted = Analyze("SELECT id FROM t ORDER BY id DESC LIMIT 7");
  ExpectWellFormed(sorted, 7);
  EXPECT_EQ(ActualRows(sorted, "Limit"), 7) << Text(sorted);
  // The sort runs inside the top-N node, measured as the LIMIT.
  EXPECT_NE(OperatorLine(sorted, "Sort").find("done by the top-N"), std::string::npos) << Text(sorted);
  // A limit over a scan uses Acero's fetch, which needs ordered input: measuring must
  // keep the scan's order.
  auto scanned = Analyze("SELECT id FROM t LIMIT 3");
  ExpectWellFormed(scanned, 3);
  EXPECT_EQ(ActualRows(scanned, "Limit"), 3) << Text(scanned);
  const std::string both = "SELECT id FROM t WHERE id < 10 UNION ALL SELECT id FROM u WHERE id < 5010";
  auto unioned = Analyze(both);
  ExpectWellFormed(unioned, 20);
  EXPECT_EQ(ActualRows(unioned, "Union All"), Count(both)) << Text(unioned);
}

TEST_F(ExplainAnalyze, VerboseAddsColumns) {
  auto lines = Analyze("SELECT name, count(*) AS n FROM t GROUP BY name", "ANALYZE VERBOSE");
  ExpectWellFormed(lines, 10);
  EXPECT_EQ(ActualRows(lines, "Aggregate"), 10) << Text(lines);
  EXPECT_NE(Text(lines).find("-> [name, n]"), std::string::npos) << Text(lines);
  auto parenthesized = Analyze("SELECT name FROM t WHERE id = 5", "(ANALYZE, VERBOSE)");
  ExpectWellFormed(parenthesized, 1);
}

TEST_F(ExplainAnalyze, OptionsTakeBooleanValues) {
  auto off = Rows("EXPLAIN (ANALYZE false) SELECT id FROM t WHERE id = 5");
  EXPECT_NE(Text(off).find("(~"), std::string::npos) << Text(off);
  EXPECT_EQ(Text(off).find("actual"), std::string::npos) << Text(off);
  ExpectWellFormed(Analyze("SELECT id FROM t WHERE id = 5", "(ANALYZE on, VERBOSE 0)"), 1);
  auto status = Error("EXPLAIN (ANALYZE maybe) SELECT 1");
  EXPECT_TRUE(status.IsInvalid()) << status.ToString();
  EXPECT_NE(status.message().find("requires a Boolean value"), std::string::npos) << status.ToString();
}

TEST_F(ExplainAnalyze, ErrorsOfTheQueryAreReported) {
  auto status = Error("EXPLAIN ANALYZE SELECT 1 / (id - 5) FROM t");
  EXPECT_FALSE(status.ok());
  // Plain EXPLAIN does not run the query.
  EXPECT_TRUE(Error("EXPLAIN SELECT 1 / (id - 5) FROM t").ok());
}

TEST_F(ExplainAnalyze, RecursiveQueriesRunFirst) {
  auto lines = Analyze("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 50) SELECT n FROM r");
  ExpectWellFormed(lines, 50);
  EXPECT_EQ(ActualRows(lines, "Materialized r"), 50) << Text(lines);
}

}  // namespace
}  // namespace quiver::engine::testing
