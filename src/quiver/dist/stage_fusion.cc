#include "quiver/dist/stage_fusion.h"

#include <algorithm>
#include <functional>
#include <map>

namespace quiver::dist {

namespace {

using plan::LogicalKind;
using plan::LogicalPlanPtr;

// Replaces the exchange reading `stage` within `root` by `replacement`; returns the new
// root (the replacement itself when the root was that exchange).
LogicalPlanPtr ReplaceExchange(const LogicalPlanPtr& root, uint32_t stage, const LogicalPlanPtr& replacement) {
  if (root->kind == LogicalKind::kExchange && static_cast<const plan::LogicalExchange&>(*root).stage == stage) {
    return replacement;
  }
  for (auto& input : root->inputs) input = ReplaceExchange(input, stage, replacement);
  return root;
}

void ForEachExchange(plan::LogicalOperator& node, const std::function<void(plan::LogicalExchange&)>& visit) {
  if (node.kind == LogicalKind::kExchange) visit(static_cast<plan::LogicalExchange&>(node));
  for (const auto& input : node.inputs) ForEachExchange(*input, visit);
}

// Merges `producer` (one task) into `consumer`: the consumer's plan computes the
// producer's plan where it read its exchange, each of its tasks reading all of the
// producer's scan units.
void Merge(const PlannedStage& producer, PlannedStage* consumer) {
  // Each scan's units per consumer task, by scan, before the plans are joined.
  std::map<const plan::LogicalOperator*, std::vector<std::vector<uint32_t>>> units_of;
  const auto producer_scans = ScansInOrder(*producer.plan);
  for (size_t s = 0; s < producer_scans.size(); ++s) {
    units_of[producer_scans[s]].assign(consumer->tasks, producer.task_units[0][s]);
  }
  const auto consumer_scans = ScansInOrder(*consumer->plan);
  for (size_t s = 0; s < consumer_scans.size(); ++s) {
    for (size_t t = 0; t < consumer->tasks; ++t) units_of[consumer_scans[s]].push_back(consumer->task_units[t][s]);
  }
  consumer->plan = ReplaceExchange(consumer->plan, producer.id, producer.plan);
  consumer->encoding.first_task_only.insert(producer.encoding.first_task_only.begin(),
                                            producer.encoding.first_task_only.end());
  consumer->encoding.scan_units.insert(producer.encoding.scan_units.begin(), producer.encoding.scan_units.end());
  std::vector<std::vector<std::vector<uint32_t>>> units(consumer->tasks);
  for (const auto* scan : ScansInOrder(*consumer->plan)) {
    for (size_t t = 0; t < consumer->tasks; ++t) units[t].push_back(units_of[scan][t]);
  }
  consumer->task_units = std::move(units);
  consumer->inputs.erase(std::remove(consumer->inputs.begin(), consumer->inputs.end(), producer.id),
                         consumer->inputs.end());
  consumer->inputs.insert(consumer->inputs.end(), producer.inputs.begin(), producer.inputs.end());
}

// Gives the stages ids by their places, producers first, and points every exchange
// and input at the new ids.
void Renumber(StagedPlan* staged) {
  std::map<uint32_t, uint32_t> new_id;
  for (size_t i = 0; i < staged->stages.size(); ++i) new_id[staged->stages[i].id] = static_cast<uint32_t>(i);
  for (auto& stage : staged->stages) {
    stage.id = new_id.at(stage.id);
    for (auto& input : stage.inputs) input = new_id.at(input);
    ForEachExchange(*stage.plan, [&](plan::LogicalExchange& exchange) { exchange.stage = new_id.at(exchange.stage); });
  }
}

// The bytes of files the stage's one task reads.
double ScannedBytes(const PlannedStage& stage) {
  double bytes = 0;
  const auto scans = ScansInOrder(*stage.plan);
  for (size_t s = 0; s < scans.size(); ++s) {
    const auto& units = stage.encoding.scan_units.at(scans[s]);
    for (uint32_t unit : stage.task_units[0][s]) bytes += static_cast<double>(units[unit].bytes);
  }
  return bytes;
}

// Whether `consumer`, reading `producer`, may take it in.
bool Mergeable(const PlannedStage& producer, const PlannedStage& consumer) {
  // A producer with broadcast copies has other readers too.
  if (producer.tasks != 1 || producer.final || !producer.broadcast_copies.empty()) return false;
  const bool tiny = ScannedBytes(producer) <= kTinyStageBytes;
  const bool tiny_leaf = tiny && producer.inputs.empty();
  if (consumer.tasks != 1) {
    // Every task of the consumer gets all of a broadcast's rows: each may as well
    // compute them itself when that is reading next to nothing and nothing else.
    return tiny_leaf && producer.output.kind == pb::Partitioning::BROADCAST &&
           producer.encoding.first_task_only.empty();
  }
  if (consumer.inputs.size() != 1) return tiny_leaf;
  // A consumer that only processes the producer's rows waits for them anyway. One that
  // also scans would scan side by side with the producer: worth keeping apart unless
  // the producer reads next to nothing (a region or nation table).
  return ScansInOrder(*consumer.plan).empty() || tiny;
}

}  // namespace

void FuseSingleTaskChains(StagedPlan* staged) {
  auto& stages = staged->stages;
  bool merged_any = false;
  // Consumers come after their producers, so a chain folds into its last stage one link
  // at a time: the middle stage has taken in the first by the time the last takes it.
  for (auto& consumer : stages) {
    const std::vector<uint32_t> inputs = consumer.inputs;  // Merge changes them
    for (uint32_t input : inputs) {
      auto producer =
          std::find_if(stages.begin(), stages.end(), [&](const PlannedStage& stage) { return stage.id == input; });
      if (producer == stages.end() || producer->tasks == 0 || !Mergeable(*producer, consumer)) continue;
      Merge(*producer, &consumer);
      producer->tasks = 0;  // merged away; removed below
      merged_any = true;
    }
  }
  if (!merged_any) return;
  stages.erase(std::remove_if(stages.begin(), stages.end(), [](const PlannedStage& stage) { return stage.tasks == 0; }),
               stages.end());
  Renumber(staged);
}

}  // namespace quiver::dist
