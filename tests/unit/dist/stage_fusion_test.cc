// Which single-task stages are merged into their consumer: always when the consumer
// only processes the producer's rows; when the consumer scans too, only a producer
// that reads next to nothing.
#include "quiver/dist/stage_fusion.h"

#include <gtest/gtest.h>

namespace quiver::dist {
namespace {

// A stage of one task scanning `bytes` of files, or with no scan when `bytes` < 0,
// over an exchange reading `input` when given.
PlannedStage Stage(uint32_t id, double bytes, std::optional<uint32_t> input = std::nullopt) {
  PlannedStage stage;
  stage.id = id;
  std::vector<plan::LogicalPlanPtr> leaves;
  stage.task_units = {{}};
  if (bytes >= 0) {
    auto scan = std::make_shared<plan::LogicalScan>();
    stage.encoding.scan_units[scan.get()] = {ScanUnit{nullptr, {}, static_cast<int64_t>(bytes)}};
    stage.task_units[0].push_back({0});
    leaves.push_back(scan);
  }
  if (input) {
    auto exchange = std::make_shared<plan::LogicalExchange>();
    exchange->stage = *input;
    leaves.push_back(exchange);
    stage.inputs = {*input};
  }
  auto top = std::make_shared<plan::LogicalUnion>();
  top->inputs = leaves;
  stage.plan = top;
  return stage;
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

}  // namespace
}  // namespace quiver::dist
