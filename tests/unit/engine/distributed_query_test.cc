#include <arrow/testing/gtest_util.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "engine_test_util.h"
#include "quiver/dist/cluster.h"

namespace quiver::engine {
namespace {

// An engine on three in-process workers, over four Parquet files of 5,000 rows each.
class DistributedQueryTest : public testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    OpenOnThreeWorkers(4, 5000);
  }

  // The query's rows run here alone and distributed, sorted unless the query orders them.
  std::pair<std::vector<std::string>, std::vector<std::string>> BothWays(const std::string& sql, bool ordered) {
    Run("SET execution_mode = 'local'");
    auto local = Rows(sql);
    Run("SET execution_mode = 'distributed'");
    Run("SET distributed_task_bytes = '1'");
    auto distributed = Rows(sql);
    if (!ordered) {
      std::sort(local.begin(), local.end());
      std::sort(distributed.begin(), distributed.end());
    }
    return {local, distributed};
  }

  // How the query is run distributed: its stages, and their outputs' partitioning.
  std::shared_ptr<dist::DistributedQuery> Distributed(const std::string& sql) {
    Run("SET execution_mode = 'distributed'");
    Run("SET distributed_task_bytes = '1'");
    auto result = session_->Execute(sql);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    if (!result.ok()) return nullptr;
    EXPECT_TRUE(result->batches->ToTable().ok());
    return result->distributed;
  }

  // How many stages send their output to every task of the next.
  static int64_t Broadcasts(const dist::DistributedQuery& query) {
    return std::count_if(query.staged.stages.begin(), query.staged.stages.end(), [](const dist::PlannedStage& stage) {
      return !stage.final && stage.output.kind == dist::pb::Partitioning::BROADCAST;
    });
  }
};

TEST_F(DistributedQueryTest, GroupByShufflesPartialAggregates) {
  const std::string sql = "SELECT name, count(*), sum(id), min(id), max(id) FROM numbers GROUP BY name";
  auto [local, distributed] = BothWays(sql, false);
  EXPECT_EQ(local.size(), 10u);
  EXPECT_EQ(local, distributed);

  auto query = Distributed(sql);
  ASSERT_NE(query, nullptr);
  ASSERT_EQ(query->staged.stages.size(), 2u);
  const auto& scan = query->staged.stages[0];
  EXPECT_EQ(scan.tasks, 3u);  // four files over three workers
  EXPECT_EQ(scan.output.kind, dist::pb::Partitioning::HASH);
  EXPECT_EQ(scan.output.partitions, 3u);
  EXPECT_EQ(scan.plan->kind, plan::LogicalKind::kAggregate) << "a partial aggregate before the shuffle";
  EXPECT_EQ(query->final_tickets.size(), 3u) << "one endpoint per final task";
}

TEST_F(DistributedQueryTest, JoinsSortsAndLimitsAgree) {
  for (const auto& [sql, ordered] : std::vector<std::pair<std::string, bool>>{
           {"SELECT a.id, b.name FROM numbers a JOIN numbers b ON a.id = b.id + 1 WHERE a.id % 997 = 0", false},
           {"SELECT id, name FROM numbers ORDER BY id DESC LIMIT 5 OFFSET 3", true},
           {"SELECT count(*), count(DISTINCT name), avg(id) FROM numbers", false},
           {"SELECT name, rank() OVER (PARTITION BY name ORDER BY id) AS r FROM numbers WHERE id < 40", false},
           {"SELECT id FROM numbers WHERE id < 3 UNION ALL SELECT 100", false},
           {"SELECT n.name, count(*) FROM numbers n LEFT JOIN (SELECT id FROM numbers WHERE id < 10) s "
            "ON n.id = s.id GROUP BY n.name",
            false}}) {
    auto [local, distributed] = BothWays(sql, ordered);
    EXPECT_FALSE(local.empty()) << sql;
    EXPECT_EQ(local, distributed) << sql;
  }
}

TEST_F(DistributedQueryTest, ExplainShowsStagesTasksAndWorkers) {
  Run("SET execution_mode = 'distributed'");
  Run("SET distributed_task_bytes = '1'");
  const auto rows = Rows("EXPLAIN SELECT name, count(*) FROM numbers GROUP BY name");
  std::string text;
  for (const auto& row : rows) text += row + "\n";
  EXPECT_NE(text.find("Distributed plan (3 workers):"), std::string::npos) << text;
  EXPECT_NE(text.find("Stage 1 (3 tasks, final: one result endpoint per task) on grpc+tcp://"), std::string::npos)
      << text;
  EXPECT_NE(text.find("Stage 0 (3 tasks, output hash(name"), std::string::npos) << text;
  EXPECT_NE(text.find("Exchange: stage 0 hash(name"), std::string::npos) << text;
  // Every worker gets a task of each stage.
  for (const auto& url : engine_->cluster()->LocalWorkerUrls()) {
    EXPECT_NE(text.find(url), std::string::npos) << url << " in\n" << text;
  }
  // Nothing ran: no task was started for it.
  EXPECT_TRUE(engine_->cluster()->LocalTasks().empty());

  Run("SET execution_mode = 'local'");
  std::string local;
  for (const auto& row : Rows("EXPLAIN SELECT name, count(*) FROM numbers GROUP BY name")) local += row + "\n";
  EXPECT_EQ(local.find("Distributed plan"), std::string::npos) << local;
}

TEST_F(DistributedQueryTest, AutoModeKeepsSmallQueriesHere) {
  Run("SET execution_mode = 'auto'");
  auto result = session_->Execute("SELECT count(*) FROM numbers");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->distributed, nullptr);
  EXPECT_TRUE(result->batches->ToTable().ok());
}

TEST_F(DistributedQueryTest, UnknownExecutionModeIsAnError) {
  Run("SET execution_mode = 'sometimes'");
  auto status = Error("SELECT count(*) FROM numbers");
  EXPECT_TRUE(status.IsInvalid());
  EXPECT_NE(status.message().find("execution_mode must be auto, distributed or local"), std::string::npos);
}

TEST_F(DistributedQueryTest, AChainOfSingleTaskStagesRunsAsOneStage) {
  // Every table is small for the default task size: each stage would get one task.
  Run("SET execution_mode = 'distributed'");
  const std::string sql = "SELECT name, count(*) AS n FROM numbers GROUP BY name ORDER BY name";
  auto result = session_->Execute(sql);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_OK_AND_ASSIGN(auto table, result->batches->ToTable());
  EXPECT_EQ(table->num_rows(), 10);
  ASSERT_NE(result->distributed, nullptr);
  const auto& stages = result->distributed->staged.stages;
  // Scan with partial aggregate, final aggregate, sort: one task each, one stage.
  ASSERT_EQ(stages.size(), 1u) << dist::FormatStages(result->distributed->staged);
  EXPECT_EQ(stages[0].tasks, 1u);
  EXPECT_TRUE(stages[0].inputs.empty());

  // The sides of a join reading next to nothing are read by one task too.
  result = session_->Execute("SELECT count(*) FROM numbers a JOIN numbers b ON a.id = b.id");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_OK_AND_ASSIGN(table, result->batches->ToTable());
  ASSERT_OK_AND_ASSIGN(auto count, table->column(0)->GetScalar(0));
  EXPECT_EQ(count->ToString(), "20000");
  ASSERT_NE(result->distributed, nullptr);
  EXPECT_EQ(result->distributed->staged.stages.size(), 1u) << dist::FormatStages(result->distributed->staged);
}

TEST_F(DistributedQueryTest, TheLargeSideOfASemiOrAntiJoinIsFilteredByTheSmallSidesKeys) {
  // The kept side (ids below 200, names repeated) is small; the tested side is all rows.
  for (const std::string& sql : {
           "SELECT a.id, a.name FROM numbers a WHERE a.id < 200 AND EXISTS "
           "(SELECT 1 FROM numbers b WHERE b.id = a.id * 3)",
           "SELECT a.name FROM numbers a WHERE a.id < 200 AND EXISTS "
           "(SELECT 1 FROM numbers b WHERE b.id = a.id * 3 AND b.name <> a.name)",
           "SELECT a.id FROM numbers a WHERE a.id < 200 AND NOT EXISTS "
           "(SELECT 1 FROM numbers b WHERE b.id = a.id + 19990)",
           "SELECT a.id FROM numbers a WHERE a.id < 200 AND a.id + 19990 NOT IN (SELECT b.id FROM numbers b)",
       }) {
    // Neither side is broadcast whole: the tested side is over the limit.
    Run("SET distributed_broadcast_bytes = '50000'");
    auto [local, distributed] = BothWays(sql, false);
    EXPECT_FALSE(local.empty()) << sql;
    EXPECT_EQ(local, distributed) << sql;
    auto query = Distributed(sql);
    ASSERT_NE(query, nullptr);
    // The small side's stage also sends its rows to the large side's tasks.
    const auto& stages = query->staged.stages;
    EXPECT_TRUE(std::any_of(stages.begin(), stages.end(),
                            [](const dist::PlannedStage& stage) { return !stage.broadcast_copies.empty(); }))
        << sql << "\n"
        << dist::FormatStages(query->staged);
  }
}

TEST_F(DistributedQueryTest, EstimatesAboveAnExchangeKnowTheColumnsBelowIt) {
  // Both join sides are shuffled, so the partial aggregate reads a join of two
  // exchanges. Its groups are name's 10 values, known from the scanned files'
  // statistics only if the exchanges pass on what was estimated below them.
  Run("SET distributed_broadcast_bytes = '1'");
  auto query = Distributed("SELECT a.name, count(*) FROM numbers a JOIN numbers b ON a.id = b.id GROUP BY a.name");
  ASSERT_NE(query, nullptr);
  const auto& stages = query->staged.stages;
  ASSERT_EQ(stages.size(), 4u) << dist::FormatStages(query->staged);
  const auto* node = stages.back().plan.get();
  while (node->kind != plan::LogicalKind::kExchange) node = node->inputs[0].get();
  const auto& partial_groups = static_cast<const plan::LogicalExchange&>(*node);
  EXPECT_NEAR(partial_groups.estimated_rows, 10, 1) << dist::FormatStages(query->staged);
}

TEST_F(DistributedQueryTest, ASideSomewhatOverTheBroadcastLimitIsBroadcastWhenThatMovesFewerBytes) {
  // About 64 KB of ids below 2,000 against 640 KB of all rows, with a 30 KB limit:
  // three copies of the small side are fewer bytes than shuffling both.
  Run("SET distributed_broadcast_bytes = '30000'");
  const std::string small_join =
      "SELECT a.id, b.name FROM numbers a JOIN (SELECT id, name FROM numbers WHERE id < 2000) b ON a.id = b.id";
  auto [local, distributed] = BothWays(small_join, false);
  EXPECT_EQ(local.size(), 2000u);
  EXPECT_EQ(local, distributed);
  auto query = Distributed(small_join);
  ASSERT_NE(query, nullptr);
  EXPECT_EQ(Broadcasts(*query), 1) << dist::FormatStages(query->staged);

  // Two sides of one size: copies for three workers would outweigh a shuffle.
  Run("SET distributed_broadcast_bytes = '200000'");
  query = Distributed("SELECT a.name, b.name FROM numbers a JOIN numbers b ON a.id = b.id");
  ASSERT_NE(query, nullptr);
  EXPECT_EQ(Broadcasts(*query), 0) << dist::FormatStages(query->staged);
}

TEST_F(DistributedQueryTest, ASmallSideJoiningOnePartitionedOnTheKeysIsShuffledToMatchIt) {
  // The groups are partitioned by id already: the 200 small rows go once, each to the
  // task holding its id, rather than a copy to every task (sent and built three times).
  const std::string onto_groups =
      "SELECT g.id, g.n, s.name FROM (SELECT id, count(*) AS n FROM numbers GROUP BY id) g "
      "JOIN (SELECT id, name FROM numbers WHERE id < 200) s ON g.id = s.id";
  auto [local, distributed] = BothWays(onto_groups, false);
  EXPECT_EQ(local.size(), 200u);
  EXPECT_EQ(local, distributed);
  auto query = Distributed(onto_groups);
  ASSERT_NE(query, nullptr);
  EXPECT_EQ(Broadcasts(*query), 0) << dist::FormatStages(query->staged);

  // The partitioned side is the small one (ten names): its copies are fewer bytes than
  // shuffling every row of the other side, so it is broadcast.
  const std::string few_groups =
      "SELECT a.id, g.n FROM numbers a JOIN (SELECT name, count(*) AS n FROM numbers GROUP BY name) g "
      "ON a.name = g.name";
  std::tie(local, distributed) = BothWays(few_groups, false);
  EXPECT_EQ(local.size(), 20000u);
  EXPECT_EQ(local, distributed);
  query = Distributed(few_groups);
  ASSERT_NE(query, nullptr);
  EXPECT_EQ(Broadcasts(*query), 1) << dist::FormatStages(query->staged);
}

TEST_F(DistributedQueryTest, AWithQueryNamedTwiceRunsOnTheClusterToo) {
  const std::string sql =
      "WITH per_name AS (SELECT name, count(*) AS n, sum(id) AS total FROM numbers GROUP BY name) "
      "SELECT a.name, a.total FROM per_name a JOIN per_name b ON a.name = b.name WHERE a.n = b.n";
  auto [local, distributed] = BothWays(sql, false);
  EXPECT_EQ(local.size(), 10u);
  EXPECT_EQ(local, distributed);
  // Two queries were placed on the cluster: the WITH query, then the query reading it.
  const auto before = engine_->cluster()->queries_placed();
  Rows(sql);
  EXPECT_EQ(engine_->cluster()->queries_placed() - before, 2u);
}

TEST_F(DistributedQueryTest, TasksAreGoneOnceTheResultIsRead) {
  Rows("SELECT name, count(*) FROM numbers GROUP BY name");
  auto [local, distributed] = BothWays("SELECT name, count(*) FROM numbers GROUP BY name", false);
  ASSERT_EQ(local, distributed);
  // The registries sweep finished tasks every second.
  for (int i = 0; i < 50 && !engine_->cluster()->LocalTasks().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(engine_->cluster()->LocalTasks().empty());
}

}  // namespace
}  // namespace quiver::engine
