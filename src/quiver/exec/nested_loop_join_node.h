#pragma once

// Joins without equality keys as an Acero exec node ("quiver_nested_loop_join"). Acero
// only has a hash join, which needs a key; a join on `a.x < b.y`, on BETWEEN, on an OR
// of conditions, or a CROSS JOIN has none. This node keeps one input (the build side)
// in memory and checks every row of the other (the probe side) against it, in
// vectorized chunks: a chunk pairs a few probe rows with the build rows, gathers the
// columns the condition reads for those pairs, and evaluates the condition once over
// the chunk.
//
// Input:  inputs[0] is the left side, inputs[1] the right side.
// Output: the left columns followed by the right columns (the left columns only for
//         semi and anti joins), unordered. A pair is joined when the condition is true
//         (not false, not NULL). Outer joins add each unmatched row of the preserved
//         side once, with NULLs for the other side's columns.
//
// Memory: the build side is held whole (as a hash join holds its build side); probe
// batches stream through. No chunk pairs more than `max_pairs_per_chunk` rows, so no
// output batch holds more rows than that and the gathered condition columns stay small
// whatever the sizes of the sides.

#include <arrow/acero/options.h>
#include <arrow/compute/expression.h>
#include <arrow/status.h>

#include <cstdint>

namespace quiver::exec {

enum class NestedLoopJoinType { kInner, kLeft, kRight, kFull, kSemi, kAnti };

/// Which input is held in memory. Semi and anti joins keep the right side (their
/// output is left rows, decided per left row).
enum class NestedLoopBuildSide { kLeft, kRight };

/// Options of the "quiver_nested_loop_join" node.
///
/// condition: a boolean expression over the left columns followed by the right
///            columns (bound against that layout, or unbound and bound by the node);
///            literal(true) for a cross join.
class NestedLoopJoinNodeOptions : public arrow::acero::ExecNodeOptions {
 public:
  static constexpr const char* kFactoryName = "quiver_nested_loop_join";
  static constexpr int64_t kDefaultMaxPairsPerChunk = 32768;

  NestedLoopJoinNodeOptions(NestedLoopJoinType join_type, arrow::compute::Expression condition,
                            NestedLoopBuildSide build_side = NestedLoopBuildSide::kRight,
                            int64_t max_pairs_per_chunk = kDefaultMaxPairsPerChunk)
      : join_type(join_type),
        condition(std::move(condition)),
        build_side(build_side),
        max_pairs_per_chunk(max_pairs_per_chunk) {}

  NestedLoopJoinType join_type;
  arrow::compute::Expression condition;
  NestedLoopBuildSide build_side;
  int64_t max_pairs_per_chunk;
};

/// Adds the node to Acero's default factory registry. Idempotent.
arrow::Status RegisterNestedLoopJoinNode();

}  // namespace quiver::exec
