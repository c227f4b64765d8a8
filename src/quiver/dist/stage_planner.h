#pragma once

#include <arrow/result.h>

#include <cstdint>
#include <string>
#include <vector>

#include "quiver/dist/plan_codec.h"
#include "quiver/dist/task_estimator.h"
#include "quiver/plan/logical_plan.h"
#include "quiver_plan.pb.h"

namespace quiver::dist {

/// How a stage's rows are split among the tasks of the stage that reads them.
struct StageOutput {
  pb::Partitioning::Kind kind = pb::Partitioning::SINGLE;
  std::vector<std::string> keys;  // HASH: the columns rows are partitioned by
  uint32_t partitions = 1;        // the reading stage's tasks (1 for SINGLE)
};

/// One stage of a distributed query: a plan fragment run by `tasks` tasks, each over its
/// share of the fragment's scans, reading other stages' output through exchanges.
struct PlannedStage {
  uint32_t id = 0;
  plan::LogicalPlanPtr plan;
  bool final = false;  // its output is the query's result, one endpoint per task
  StageOutput output;  // for stages read by another
  /// Broadcast copies of the output for further readers, by partition count: the filter
  /// a semi-join reduction sends to the other side's tasks (LogicalExchange::copy).
  std::vector<uint32_t> broadcast_copies;
  size_t tasks = 1;
  /// Per task, per scan of `plan` (ScansInOrder), the indexes of the units it reads
  /// among encoding.scan_units of that scan.
  std::vector<std::vector<std::vector<uint32_t>>> task_units;
  PlanEncoding encoding;
  std::vector<uint32_t> inputs;  // the stages its exchanges read
};

/// A query cut into stages, producers before consumers; the last is the final stage.
struct StagedPlan {
  std::vector<PlannedStage> stages;
  const PlannedStage& final_stage() const { return stages.back(); }
};

struct StagePlannerOptions {
  size_t workers = 1;
  /// Decides each stage's task count; null: a BytesTaskEstimator with its defaults.
  const TaskEstimator* estimator = nullptr;
  /// A join side estimated below this many bytes is broadcast to the other side's tasks
  /// instead of both sides being shuffled. A side up to kCostedBroadcastFactor times
  /// larger is broadcast too when a copy for every worker is fewer bytes than the two
  /// sides a shuffle would send.
  double broadcast_limit_bytes = 10.0 * 1024 * 1024;
};

/// How far over the broadcast limit a join side may be and still be broadcast because
/// that moves fewer bytes than a shuffle. Each task holds the whole side in memory.
constexpr double kCostedBroadcastFactor = 4;

/// Cuts an optimized plan into stages at exchanges:
///  - hash shuffles for joins, aggregations (partial aggregates before the shuffle where
///    the functions combine) and windows, unless the input is already partitioned so;
///  - a single-task stage for sorts, limits (each task keeps its first rows or top rows
///    first), windows without PARTITION BY and aggregates without keys;
///  - broadcast of a join side estimated small (below options.broadcast_limit_bytes),
///    or somewhat larger where its copies would move fewer bytes than a shuffle;
///  - union inputs side by side in one stage, each task reading its share of each.
/// Scans get files, or Parquet row groups when there are fewer files than tasks,
/// balanced by bytes. A chain of single-task stages is then merged into one stage
/// (FuseSingleTaskChains).
arrow::Result<StagedPlan> PlanStages(const plan::LogicalPlanPtr& root, const StagePlannerOptions& options);

/// The stages as text for EXPLAIN: each stage's tasks, output and plan, with the
/// workers that run its tasks when `workers` (per stage, per task) is given.
std::string FormatStages(const StagedPlan& staged, const std::vector<std::vector<std::string>>& workers = {});

/// A stage's first line in EXPLAIN: its id, tasks and output, and the workers its
/// tasks run on when `workers` is not empty.
std::string StageHeading(const PlannedStage& stage, const std::vector<std::string>& workers = {});

/// Rough bytes per row of a schema, for sizing exchanges.
double EstimatedRowBytes(const arrow::Schema& schema);

}  // namespace quiver::dist
