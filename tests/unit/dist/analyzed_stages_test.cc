// How EXPLAIN ANALYZE merges the metrics tasks report: summed per stage and operator,
// counted per task and run, only the last attempt's, with workers that did not answer
// named.
#include "quiver/dist/analyzed_stages.h"

#include <arrow/table.h>
#include <gtest/gtest.h>

namespace quiver::dist {
namespace {

// One stage of two tasks: Limit over constant rows (operators 0 and 1 in pre-order).
StagedPlan LimitOverValues() {
  auto schema = arrow::schema({arrow::field("x", arrow::int64())});
  auto values = std::make_shared<plan::LogicalValues>();
  values->schema = schema;
  values->table = arrow::Table::MakeEmpty(schema).ValueOrDie();
  auto limit = std::make_shared<plan::LogicalLimit>();
  limit->schema = schema;
  limit->count = 10;
  limit->inputs = {values};
  StagedPlan staged;
  PlannedStage stage;
  stage.plan = limit;
  stage.final = true;
  stage.tasks = 2;
  staged.stages.push_back(std::move(stage));
  return staged;
}

pb::TaskMetrics TaskRun(uint32_t task, uint32_t attempt, int64_t rows, const std::string& worker) {
  pb::TaskMetrics run;
  run.set_task(task);
  run.set_attempt(attempt);
  run.set_worker(worker);
  run.set_elapsed_ns(1'000'000 * (task + 1));
  run.set_rows_out(rows);
  run.set_bytes_out(rows * 8);
  run.set_peak_memory(1024);
  for (uint32_t node : {0u, 1u}) {
    auto* op = run.add_operators();
    op->set_node(node);
    op->set_rows(rows);
    op->set_first_row_ns(500'000);
    op->set_finished_ns(900'000);
    op->set_cpu_ns(2'000'000);
    op->set_held_bytes(-1);
  }
  return run;
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

TEST(AnalyzedStagesTest, SumsTheTasksOfEachStageAndOperator) {
  const auto analyzed = AnalyzeStages(LimitOverValues(), {TaskRun(0, 0, 3, "w1"), TaskRun(1, 0, 4, "w2")});
  const auto text = Joined(analyzed.stages);
  EXPECT_NE(text.find("Stage 0 (2 tasks, final: one result endpoint per task) on w1, w2"), std::string::npos) << text;
  EXPECT_NE(text.find("measured: 2 of 2 tasks, time 0.001..0.002 s per task, 7 rows out (56 B sent)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("actual 7 rows in 2 tasks, time 0.001..0.001 s, cpu 0.004 s"), std::string::npos) << text;
  const auto summary = Joined(analyzed.summary);
  EXPECT_NE(summary.find("CPU time 0.008 s in operators"), std::string::npos) << summary;
  EXPECT_NE(summary.find("56 B of results"), std::string::npos) << summary;
  EXPECT_EQ(summary.find("attempt"), std::string::npos) << summary;
}

TEST(AnalyzedStagesTest, OnlyTheLastAttemptCounts) {
  auto stopped = TaskRun(0, 0, 100, "w1");
  stopped.set_error("IOError: lost w3");
  const auto analyzed = AnalyzeStages(LimitOverValues(), {stopped, TaskRun(0, 1, 3, "w1"), TaskRun(1, 1, 4, "w2")});
  const auto text = Joined(analyzed.stages);
  EXPECT_NE(text.find("7 rows out"), std::string::npos) << text;
  EXPECT_EQ(text.find("stopped before its end"), std::string::npos) << text;
  EXPECT_NE(Joined(analyzed.summary).find("ran again as attempt 1"), std::string::npos);
}

TEST(AnalyzedStagesTest, ReportsRunsMissingTasksStopsAndSilentWorkers) {
  auto early = TaskRun(0, 0, 1, "w1");
  early.set_run(1);
  early.set_error("Cancelled: the partition's reader gave up");
  const auto analyzed = AnalyzeStages(LimitOverValues(), {TaskRun(0, 0, 3, "w1"), early}, {"w9"});
  const auto text = Joined(analyzed.stages);
  EXPECT_NE(text.find("measured: 1 of 2 tasks (2 runs)"), std::string::npos) << text;
  EXPECT_NE(text.find("1 run stopped before its end (Cancelled: the partition's reader gave up)"), std::string::npos)
      << text;
  EXPECT_NE(Joined(analyzed.summary).find("No metrics from w9 (did not answer)"), std::string::npos);

  const auto nothing = AnalyzeStages(LimitOverValues(), {});
  EXPECT_NE(Joined(nothing.stages).find("measured: no task reported"), std::string::npos);
}

}  // namespace
}  // namespace quiver::dist
