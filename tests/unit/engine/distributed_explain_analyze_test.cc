// EXPLAIN ANALYZE of a distributed query: the query runs on the workers, and what each
// task measured there is merged per stage and per operator.
#include <gtest/gtest.h>

#include <regex>

#include "engine_test_util.h"
#include "quiver/dist/cluster.h"

namespace quiver::engine {
namespace {

// An engine on three in-process workers, over four Parquet files of 5,000 rows each.
class DistributedExplainAnalyzeTest : public testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    OpenOnThreeWorkers(4, 5000);
    Run("SET execution_mode = 'distributed'");
    Run("SET distributed_task_bytes = '1'");
  }

  std::string Analyze(const std::string& sql) {
    std::string text;
    for (const auto& row : Rows("EXPLAIN ANALYZE " + sql)) text += row + "\n";
    return text;
  }

  // The number after `label` on the line that has `line_part`, or -1.
  static int64_t NumberAfter(const std::string& text, const std::string& line_part, const std::string& label) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      if (line.find(line_part) == std::string::npos) continue;
      std::smatch match;
      if (std::regex_search(line, match, std::regex(label + " (\\d+)"))) return std::stoll(match[1]);
    }
    return -1;
  }
};

TEST_F(DistributedExplainAnalyzeTest, MergesEveryTasksMetricsPerStageAndOperator) {
  const std::string text = Analyze("SELECT name, count(*) FROM numbers GROUP BY name");
  EXPECT_NE(text.find("Distributed plan (3 workers), as run:"), std::string::npos) << text;
  // Each stage with what its three tasks measured.
  EXPECT_NE(text.find("Stage 1 (3 tasks, final: one result endpoint per task) on grpc+tcp://"), std::string::npos)
      << text;
  EXPECT_NE(text.find("Stage 0 (3 tasks, output hash(name"), std::string::npos) << text;
  EXPECT_NE(text.find("measured: 3 of 3 tasks"), std::string::npos) << text;
  // The scans of the three tasks read every row once between them.
  EXPECT_EQ(NumberAfter(text, "Scan numbers", "actual"), 20000) << text;
  EXPECT_NE(text.find("rows in 3 tasks"), std::string::npos) << text;
  // The final aggregate gives one row per name; that is what the final stage sends.
  EXPECT_EQ(NumberAfter(text, "measured: 3 of 3 tasks, time", "s per task,"), 10) << text;
  // The shuffle's bytes were received by the final stage's tasks.
  EXPECT_NE(text.find(" received, peak memory"), std::string::npos) << text;
  EXPECT_NE(text.find("Network: "), std::string::npos) << text;
  EXPECT_EQ(text.find("Network: 0 B between stages"), std::string::npos) << text;
  EXPECT_NE(text.find("Execution time "), std::string::npos) << text;
  EXPECT_EQ(NumberAfter(text, "Execution time", "s,"), 10) << text;
  EXPECT_NE(text.find("cpu "), std::string::npos) << text;
  EXPECT_NE(text.find("held "), std::string::npos) << "the aggregates hold their groups\n" << text;

  // Nothing is left behind on the workers: tasks and their metrics are gone.
  for (int i = 0; i < 100 && !engine_->cluster()->LocalTasks().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(engine_->cluster()->LocalTasks().empty());
}

TEST_F(DistributedExplainAnalyzeTest, AQueryStoppedByItsLimitIsMeasuredToo) {
  const std::string text = Analyze("SELECT id FROM numbers ORDER BY id DESC LIMIT 5");
  EXPECT_NE(text.find("Distributed plan (3 workers), as run:"), std::string::npos) << text;
  EXPECT_EQ(NumberAfter(text, "Execution time", "s,"), 5) << text;
  EXPECT_EQ(NumberAfter(text, "Scan numbers", "actual"), 20000) << text;
}

TEST_F(DistributedExplainAnalyzeTest, ALocalQueryIsAnalyzedHere) {
  Run("SET execution_mode = 'local'");
  const std::string text = Analyze("SELECT name, count(*) FROM numbers GROUP BY name");
  EXPECT_EQ(text.find("Distributed plan"), std::string::npos) << text;
  EXPECT_NE(text.find("Logical plan:"), std::string::npos) << text;
}

}  // namespace
}  // namespace quiver::engine
