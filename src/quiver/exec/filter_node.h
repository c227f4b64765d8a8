#pragma once

#include <arrow/acero/options.h>
#include <arrow/compute/expression.h>
#include <arrow/status.h>

namespace quiver::exec {

/// Options of the "quiver_filter" Acero node: Acero's filter, keeping the rows where a
/// bound boolean expression is true, but selecting them with SelectRows
/// (row_selection.h). A batch whose rows all pass goes on without a copy, kept rows of
/// fixed-width columns are gathered word by word of the mask instead of one memcpy per
/// run of kept rows, and the copies are made in the query's memory pool, so they count
/// against its budget. Conjuncts over one dictionary-encoded column are evaluated
/// once per dictionary entry (dictionary_condition.h).
class FilterNodeOptions : public arrow::acero::ExecNodeOptions {
 public:
  static constexpr const char* kFactoryName = "quiver_filter";

  explicit FilterNodeOptions(arrow::compute::Expression condition) : condition(std::move(condition)) {}

  arrow::compute::Expression condition;
};

/// Adds the node to Acero's default factory registry. Idempotent.
arrow::Status RegisterFilterNode();

}  // namespace quiver::exec
