#pragma once

// Internal to the window node: where partitions and peer groups begin once the rows
// are sorted by (PARTITION BY, ORDER BY).

#include <arrow/array.h>
#include <arrow/result.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace quiver::exec::window {

struct WindowLayout {
  int64_t num_rows = 0;
  // Ascending row numbers where a partition begins, followed by num_rows.
  std::vector<int64_t> partition_starts;
  // Ascending row numbers where a peer group (rows equal in PARTITION BY and ORDER BY)
  // begins, followed by num_rows. Every partition start is a peer group start.
  std::vector<int64_t> peer_starts;
  // For every row, the index into peer_starts of its peer group.
  std::vector<int64_t> peer_group_of_row;

  // Calls fn(partition_begin, partition_end) for every partition in order.
  template <typename Fn>
  void ForEachPartition(Fn&& fn) const {
    for (size_t p = 0; p + 1 < partition_starts.size(); ++p) fn(partition_starts[p], partition_starts[p + 1]);
  }
  int64_t PeerBegin(int64_t row) const { return peer_starts[peer_group_of_row[row]]; }
  int64_t PeerEnd(int64_t row) const { return peer_starts[peer_group_of_row[row] + 1]; }
};

// `partition_keys` and `order_keys` are the sorted key columns. NULLs are equal to
// NULLs and floating point NaN to NaN, as the sort placed them together.
arrow::Result<WindowLayout> ComputeWindowLayout(int64_t num_rows,
                                                const std::vector<std::shared_ptr<arrow::Array>>& partition_keys,
                                                const std::vector<std::shared_ptr<arrow::Array>>& order_keys);

}  // namespace quiver::exec::window
