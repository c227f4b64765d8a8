// Which single-task stages are merged into their consumer: always when the consumer
// only processes the producer's rows; when the consumer scans too, or has other inputs
// or more tasks, only a producer that reads next to nothing.
#include "quiver/dist/stage_fusion.h"

#include <gtest/gtest.h>

namespace quiver::dist {
namespace {

// A stage of `tasks` tasks, each scanning a unit of its own of `bytes` (no scan when
// `bytes` < 0), over exchanges reading `inputs`.
PlannedStage StageOf(uint32_t id, size_t tasks, double bytes, const std::vector<uint32_t>& inputs) {
  PlannedStage stage;
  stage.id = id;
  stage.tasks = tasks;
  stage.task_units.assign(tasks, {});
  std::vector<plan::LogicalPlanPtr> leaves;
  if (bytes >= 0) {
    auto scan = std::make_shared<plan::LogicalScan>();
    for (size_t t = 0; t < tasks; ++t) {
      stage.encoding.scan_units[scan.get()].push_back(ScanUnit{nullptr, {}, static_cast<int64_t>(bytes)});
      stage.task_units[t].push_back({static_cast<uint32_t>(t)});
    }
    leaves.push_back(scan);
  }
  for (uint32_t input : inputs) {
    auto exchange = std::make_shared<plan::LogicalExchange>();
    exchange->stage = input;
    leaves.push_back(exchange);
  }
  stage.inputs = inputs;
  auto top = std::make_shared<plan::LogicalUnion>();
  top->inputs = leaves;
  stage.plan = top;
  return stage;
}

// A stage of one task scanning `bytes`, over an exchange reading `input` when given.
PlannedStage Stage(uint32_t id, double bytes, std::optional<uint32_t> input = std::nullopt) {
  return StageOf(id, 1, bytes, input ? std::vector<uint32_t>{*input} : std::vector<uint32_t>{});
}

// A stage of `tasks` tasks, each scanning 100 MB, over exchanges reading `inputs`.
PlannedStage WideStage(uint32_t id, size_t tasks, const std::vector<uint32_t>& inputs) {
  return StageOf(id, tasks, 100e6, inputs);
}

TEST(StageFusionTest, AConsumerThatOnlyProcessesItsProducerTakesItIn) {
  StagedPlan staged;
  staged.stages = {Stage(0, 100e6), Stage(1, -1, 0), Stage(2, -1, 1)};
  staged.stages.back().final = true;
  FuseSingleTaskChains(&staged);
  ASSERT_EQ(staged.stages.size(), 1u);
  EXPECT_EQ(staged.stages[0].id, 0u);
  EXPECT_TRUE(staged.stages[0].inputs.empty());
  // The scan came along with its units.
  ASSERT_EQ(staged.stages[0].task_units[0].size(), 1u);
  EXPECT_EQ(staged.stages[0].task_units[0][0], std::vector<uint32_t>{0});
}

TEST(StageFusionTest, AConsumerThatScansKeepsAProducerThatReadsMuch) {
  StagedPlan staged;
  // Stage 1 scans and reads stage 0; stage 3 scans and reads stage 2.
  staged.stages = {Stage(0, 100e6), Stage(1, 100e6, 0), Stage(2, 1000), Stage(3, 100e6, 2)};
  staged.stages[1].output.kind = pb::Partitioning::BROADCAST;
  FuseSingleTaskChains(&staged);
  ASSERT_EQ(staged.stages.size(), 3u);
  // Stage 2 (a thousand bytes) went into stage 3, now stage 2; the exchanges follow.
  EXPECT_EQ(staged.stages[2].id, 2u);
  EXPECT_TRUE(staged.stages[2].inputs.empty());
  EXPECT_EQ(staged.stages[2].task_units[0].size(), 2u);
  EXPECT_EQ(staged.stages[1].inputs, std::vector<uint32_t>{0});
}

TEST(StageFusionTest, EveryTaskOfAConsumerReadsATinyBroadcastItself) {
  StagedPlan staged;
  // Stage 0 reads a thousand bytes, stage 1 much; both broadcast to stage 2's 3 tasks.
  staged.stages = {Stage(0, 1000), Stage(1, 100e6), WideStage(2, 3, {0, 1})};
  staged.stages[0].output.kind = pb::Partitioning::BROADCAST;
  staged.stages[1].output.kind = pb::Partitioning::BROADCAST;
  staged.stages.back().final = true;
  FuseSingleTaskChains(&staged);
  ASSERT_EQ(staged.stages.size(), 2u);
  const auto& consumer = staged.stages[1];
  EXPECT_EQ(consumer.inputs, std::vector<uint32_t>{0}) << "the large broadcast stays a stage";
  ASSERT_EQ(consumer.task_units.size(), 3u);
  for (size_t t = 0; t < 3; ++t) {
    // Its own scan's unit t, then the tiny scan's one unit, in every task.
    ASSERT_EQ(consumer.task_units[t].size(), 2u);
    EXPECT_EQ(consumer.task_units[t][0], std::vector<uint32_t>{static_cast<uint32_t>(t)});
    EXPECT_EQ(consumer.task_units[t][1], std::vector<uint32_t>{0});
  }
}

TEST(StageFusionTest, OnlyATinyLeafMovesIntoAConsumerWithOtherInputsOrTasks) {
  StagedPlan staged;
  // Stage 1 reads little but reads stage 0 too; stage 2 hashes, not broadcasts.
  staged.stages = {Stage(0, 100e6), Stage(1, 1000, 0), Stage(2, 1000), WideStage(3, 3, {1, 2})};
  staged.stages[1].output.kind = pb::Partitioning::BROADCAST;
  staged.stages[2].output.kind = pb::Partitioning::HASH;
  FuseSingleTaskChains(&staged);
  EXPECT_EQ(staged.stages.size(), 4u);

  // A consumer of one task with two inputs takes in the tiny leaf only.
  staged.stages = {Stage(0, 100e6), Stage(1, 1000), WideStage(2, 1, {0, 1})};
  FuseSingleTaskChains(&staged);
  ASSERT_EQ(staged.stages.size(), 2u);
  EXPECT_EQ(staged.stages[1].inputs, std::vector<uint32_t>{0});
}

}  // namespace
}  // namespace quiver::dist
