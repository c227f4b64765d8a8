#pragma once

// Internal to the nested-loop join node: the join of probe batches against the build
// rows, apart from Acero's plumbing.

#include <arrow/compute/exec.h>
#include <arrow/compute/expression.h>
#include <arrow/record_batch.h>
#include <arrow/result.h>

#include <atomic>
#include <functional>
#include <memory>

#include "quiver/exec/nested_loop_join_node.h"

namespace quiver::exec::nested_loop {

using EmitFn = std::function<arrow::Status(arrow::compute::ExecBatch)>;

// The node's output schema: left fields then right fields (left only for semi / anti).
std::shared_ptr<arrow::Schema> OutputSchema(NestedLoopJoinType type, const arrow::Schema& left,
                                            const arrow::Schema& right);

class NestedLoopJoiner {
 public:
  // Checks the options and binds the condition against left + right columns.
  static arrow::Result<std::unique_ptr<NestedLoopJoiner>> Make(const NestedLoopJoinNodeOptions& options,
                                                               std::shared_ptr<arrow::Schema> left,
                                                               std::shared_ptr<arrow::Schema> right,
                                                               arrow::compute::ExecContext* context);

  // Sets the build rows; called once, before any probe batch.
  arrow::Status SetBuild(std::shared_ptr<arrow::RecordBatch> build);

  // Joins one probe batch with the build rows. Safe to call from several threads at once.
  arrow::Status Probe(const std::shared_ptr<arrow::RecordBatch>& probe, const EmitFn& emit);

  // After every probe batch: the build rows no pair matched, where the join keeps them.
  arrow::Status EmitUnmatchedBuild(const EmitFn& emit);

 private:
  NestedLoopJoiner() = default;

  struct Pairs {
    std::shared_ptr<arrow::Array> probe_rows;  // int64 row numbers into the probe batch
    std::shared_ptr<arrow::Array> build_rows;  // int64 row numbers into the build rows
  };

  // The pairs of a chunk for which the condition holds.
  arrow::Result<Pairs> Matching(const arrow::RecordBatch& probe, Pairs candidates);
  // Output rows for pairs, in left-then-right column order.
  arrow::Status EmitPairs(const arrow::RecordBatch& probe, const Pairs& pairs, const EmitFn& emit);
  // Output rows for rows of one side alone (the other side's columns NULL, or absent
  // for semi / anti joins).
  arrow::Status EmitAlone(const arrow::RecordBatch& rows, bool rows_are_left, const std::shared_ptr<arrow::Array>& take,
                          const EmitFn& emit);

  bool ProbeIsLeft() const { return build_side_ == NestedLoopBuildSide::kRight; }
  bool KeepsUnmatchedProbe() const;
  bool KeepsUnmatchedBuild() const;
  bool OutputsPairs() const { return type_ != NestedLoopJoinType::kSemi && type_ != NestedLoopJoinType::kAnti; }

  NestedLoopJoinType type_ = NestedLoopJoinType::kInner;
  NestedLoopBuildSide build_side_ = NestedLoopBuildSide::kRight;
  int64_t max_pairs_ = NestedLoopJoinNodeOptions::kDefaultMaxPairsPerChunk;
  arrow::compute::Expression condition_;
  bool always_true_ = false;
  std::vector<int> condition_fields_;  // indices into left + right that the condition reads
  std::shared_ptr<arrow::Schema> left_, right_, joined_, output_;
  arrow::compute::ExecContext* context_ = nullptr;

  std::shared_ptr<arrow::RecordBatch> build_;
  std::unique_ptr<std::atomic<uint8_t>[]> build_matched_;
};

}  // namespace quiver::exec::nested_loop
