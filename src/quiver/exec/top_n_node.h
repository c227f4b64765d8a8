#pragma once

// ORDER BY … LIMIT k [OFFSET m] as an Acero exec node ("quiver_top_n"). A full sort
// buffers every input row; this node keeps only the best k + m rows seen so far and
// discards the rest as input arrives, so its memory is bounded by the limit.
//
// Input:  any columns.
// Output: the same columns: rows m + 1 … m + k of the input in sort order, in batches
//         whose ExecBatch::index is set (an ordered consumer works).
//
// Rows are ordered exactly as Arrow's sort_indices orders them for `keys` (each key's
// direction and NULL placement). Rows the keys do not tell apart keep their input
// order when the input is ordered (its batches carry indices), and their arrival order
// otherwise, so the result is deterministic for ordered input.

#include <arrow/acero/options.h>
#include <arrow/compute/ordering.h>
#include <arrow/status.h>

#include <cstdint>
#include <vector>

namespace quiver::exec {

/// Limits (offset + count) up to this many rows use the top-N node; larger ones keep
/// the full sort, whose memory use is the same then and whose sort runs only once.
inline constexpr int64_t kTopNMaxRows = 100'000;

/// Options of the "quiver_top_n" node: sort by `keys` (input column names), skip
/// `offset` rows, emit `count` rows.
class TopNNodeOptions : public arrow::acero::ExecNodeOptions {
 public:
  static constexpr const char* kFactoryName = "quiver_top_n";

  TopNNodeOptions(std::vector<arrow::compute::SortKey> keys, int64_t offset, int64_t count)
      : keys(std::move(keys)), offset(offset), count(count) {}

  std::vector<arrow::compute::SortKey> keys;
  int64_t offset;
  int64_t count;
};

/// Adds the node to Acero's default factory registry. Idempotent.
arrow::Status RegisterTopNNode();

}  // namespace quiver::exec
