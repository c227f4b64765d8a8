#pragma once

#include <arrow/acero/options.h>
#include <arrow/status.h>

#include <cstdint>

namespace quiver::exec {

/// Options of the "quiver_unordered_limit" Acero node: skip `offset` rows, then pass
/// `count` rows, taking rows in the order they arrive. Acero's own "fetch" node needs
/// ordered input; SQL's LIMIT without ORDER BY may return any rows, so results of
/// aggregates, joins and unions are limited with this node instead. Once it has passed
/// `count` rows it ends its output and tells the nodes below that could go on for long
/// (a nested-loop join, generate_series) to stop (output_gate.h).
class UnorderedLimitNodeOptions : public arrow::acero::ExecNodeOptions {
 public:
  static constexpr const char* kFactoryName = "quiver_unordered_limit";
  UnorderedLimitNodeOptions(int64_t offset, int64_t count) : offset(offset), count(count) {}

  int64_t offset;
  int64_t count;
};

/// Adds the node to Acero's default factory registry. Idempotent.
arrow::Status RegisterUnorderedLimitNode();

}  // namespace quiver::exec
