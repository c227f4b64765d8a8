#pragma once

#include <arrow/acero/options.h>
#include <arrow/status.h>

namespace quiver::exec {

/// Options of the "quiver_expand_scalars" Acero node, which passes batches on with every
/// column held as one scalar (a projected constant: a NULL a grouping set or a UNION
/// branch fills in) turned into an array of the batch's length. Arrow's ungrouped min
/// and max read a NULL scalar as a value (0, or the empty string) instead of skipping
/// it, so ungrouped aggregates get their input through this node.
class ScalarExpandingNodeOptions : public arrow::acero::ExecNodeOptions {
 public:
  static constexpr const char* kFactoryName = "quiver_expand_scalars";
};

/// Adds the node to Acero's default factory registry. Idempotent.
arrow::Status RegisterScalarExpandingNode();

}  // namespace quiver::exec
