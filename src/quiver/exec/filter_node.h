#pragma once

#include <arrow/acero/options.h>
#include <arrow/compute/expression.h>
#include <arrow/status.h>

#include <string>
#include <vector>

namespace quiver::exec {

/// Options of the "quiver_filter" Acero node: Acero's filter, keeping the rows where a
/// bound boolean condition is true, but selecting them with SelectRows
/// (row_selection.h). A batch whose rows all pass goes on without a copy, kept rows of
/// fixed-width columns are gathered word by word of the mask instead of one memcpy per
/// run of kept rows, and the copies are made in the query's memory pool, so they count
/// against its budget. Conjuncts over one dictionary-encoded column are evaluated
/// once per dictionary entry (dictionary_condition.h).
///
/// The condition may come in stages: the first is evaluated on every row, each later
/// one only on the rows the ones before kept, reading only the columns it needs; the
/// kept rows are gathered once, at the end. And the node may pass on only some of its
/// input columns (a scan's filter reads columns its consumers do not), which are then
/// never gathered.
class FilterNodeOptions : public arrow::acero::ExecNodeOptions {
 public:
  static constexpr const char* kFactoryName = "quiver_filter";

  explicit FilterNodeOptions(arrow::compute::Expression condition) : stages{std::move(condition)} {}
  FilterNodeOptions(std::vector<arrow::compute::Expression> stages, std::vector<std::string> outputs)
      : stages(std::move(stages)), outputs(std::move(outputs)) {}

  /// Boolean conditions bound against the node's input, all of which a row must meet.
  std::vector<arrow::compute::Expression> stages;
  /// The input columns passed on, by name, in this order; every column when empty.
  std::vector<std::string> outputs;
};

/// Adds the node to Acero's default factory registry. Idempotent.
arrow::Status RegisterFilterNode();

}  // namespace quiver::exec
