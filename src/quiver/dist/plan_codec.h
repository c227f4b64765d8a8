#pragma once

#include <arrow/dataset/type_fwd.h>
#include <arrow/result.h>

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "quiver/plan/logical_plan.h"
#include "quiver_plan.pb.h"

namespace quiver::dist {

/// A part of a scan one task can read on its own: a file, or some of a Parquet
/// file's row groups.
struct ScanUnit {
  std::shared_ptr<arrow::dataset::FileFragment> fragment;
  std::vector<int> row_groups;  // empty: the whole file
  int64_t bytes = 0;
};

/// What encoding a stage's plan needs besides the plan itself.
struct PlanEncoding {
  /// The units each scan is cut into; a scan not listed travels as its whole files.
  std::map<const plan::LogicalOperator*, std::vector<ScanUnit>> scan_units;
  /// Subtrees only the stage's first task computes (pb::PlanNode::first_task_only).
  std::set<const plan::LogicalOperator*> first_task_only;
};

/// A stage's plan as it travels to workers. Fails (NotImplemented) on an operator
/// that cannot travel, such as a plan node of a kind no codec is registered for.
arrow::Result<pb::PlanNode> EncodePlan(const plan::LogicalOperator& root, const PlanEncoding& encoding = {});

/// Which task of its stage a plan is decoded for.
struct TaskSelection {
  uint32_t task = 0;
  /// The scan units the task reads, per scan in plan pre-order; null: all of them.
  const pb::TaskScans* scans = nullptr;
  /// When set, filled with each decoded operator's place in the encoded plan (pre-order
  /// from 0), which names it in the task's metrics (EXPLAIN ANALYZE).
  std::map<const plan::LogicalOperator*, uint32_t>* node_numbers = nullptr;
};

/// The plan a task runs: the stage's plan with each scan cut down to the task's units
/// and first-task-only subtrees empty in other tasks. Expressions bound where they were
/// made are bound again against their operator's input.
arrow::Result<plan::LogicalPlanPtr> DecodePlan(const pb::PlanNode& node, const TaskSelection& task = {});

/// Every scan of a plan, in the pre-order DecodePlan numbers them in.
std::vector<const plan::LogicalScan*> ScansInOrder(const plan::LogicalOperator& root);

/// The units a scan's files give: one per file, or per row group of Parquet files when
/// `split_row_groups` (which reads their footers).
arrow::Result<std::vector<ScanUnit>> ScanUnitsOf(const plan::LogicalScan& scan, bool split_row_groups);

}  // namespace quiver::dist
