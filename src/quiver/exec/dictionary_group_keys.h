#pragma once

#include <arrow/compute/api_aggregate.h>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "quiver/plan/logical_plan.h"

namespace quiver::exec {

/// Group keys that can stay dictionary-encoded from a scan to their aggregate.
///
/// A string column the Parquet reader gives as a dictionary is converted to utf8 by
/// its scan, and an aggregate grouping on it then hashes every row's string. Where
/// nothing between the scan and the aggregate reads the column (projections only pass
/// it on, filters above the scan do not read it) and the integer-key aggregate can
/// take the keys as dictionaries, the scan passes the column on unconverted and the
/// aggregate numbers each dictionary entry once (dictionary_key_codes.h).
struct DictionaryGroupKeys {
  /// (scan, file column) pairs the scan leaves dictionary-encoded.
  std::set<std::pair<const plan::LogicalScan*, std::string>> scan_columns;
  /// Aggregates whose keys all arrive dictionary-encoded.
  std::set<const plan::LogicalAggregate*> aggregates;

  /// Finds them in `root`. `acero_aggregates` gives an aggregate's calls as lowering
  /// passes them to Acero.
  static DictionaryGroupKeys Find(
      const plan::LogicalOperator& root,
      const std::function<std::vector<arrow::compute::Aggregate>(const plan::LogicalAggregate&)>& acero_aggregates);
};

}  // namespace quiver::exec
