#pragma once

#include <arrow/acero/options.h>
#include <arrow/compute/exec.h>
#include <arrow/status.h>
#include <arrow/type_fwd.h>

#include <string>
#include <vector>

namespace quiver::exec {

/// Options of the "quiver_integer_key_aggregate" Acero node: a grouped aggregate on
/// one integer key column (int32, int64, date32; NULL keys form one group), or on one
/// or two dictionary-encoded string columns (as scans read them; their strings get
/// small ids, dictionary_key_codes.h, packed into one integer key, and the output has
/// them as utf8), for the aggregates GroupedAccumulator supports (sum, count,
/// count_all, min, max).
///
/// Acero's grouper encodes every key into a row format and probes a general hash
/// table; for a single integer key this node keeps an open-addressing table of the
/// keys themselves (integer_key_table.h), and a row whose key equals the previous
/// row's reuses its group without a lookup, which data clustered on the key (line
/// items by order) makes common. Each thread aggregates into its own table; the tables
/// are merged when the input ends. Output: the key column, then one column per
/// aggregate, named as given.
class IntegerKeyAggregateNodeOptions : public arrow::acero::ExecNodeOptions {
 public:
  static constexpr const char* kFactoryName = "quiver_integer_key_aggregate";

  IntegerKeyAggregateNodeOptions(std::vector<std::string> keys, std::vector<arrow::compute::Aggregate> aggregates,
                                 int64_t expected_groups = 0)
      : keys(std::move(keys)), aggregates(std::move(aggregates)), expected_groups(expected_groups) {}

  std::vector<std::string> keys;
  /// Arrow's hash_ aggregate names (hash_sum …), their options, one input column each
  /// (none for hash_count_all), and output names.
  std::vector<arrow::compute::Aggregate> aggregates;
  /// The planner's estimate of the number of groups: each thread's table starts that
  /// large (up to kMaxPresizedGroups) instead of doubling its way there, rehashing
  /// every key at each step.
  int64_t expected_groups;
  static constexpr int64_t kMaxPresizedGroups = int64_t{1} << 20;

  /// Whether the node can run an aggregate with these keys and aggregates over `input`.
  static bool Supports(const arrow::Schema& input, const std::vector<std::string>& keys,
                       const std::vector<arrow::compute::Aggregate>& aggregates);
  /// Whether it can run these aggregates over `input` (whatever the keys).
  static bool SupportsAggregates(const arrow::Schema& input, const std::vector<arrow::compute::Aggregate>& aggregates);
};

/// Adds the node to Acero's default factory registry. Idempotent.
arrow::Status RegisterIntegerKeyAggregateNode();

}  // namespace quiver::exec
