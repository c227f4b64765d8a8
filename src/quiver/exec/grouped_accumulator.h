#pragma once

#include <arrow/array/data.h>
#include <arrow/compute/api_aggregate.h>
#include <arrow/datum.h>
#include <arrow/memory_pool.h>
#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include <memory>
#include <string>

namespace quiver::exec {

/// One aggregate over groups numbered 0, 1, 2 …: what Quiver's integer-key aggregate
/// node (integer_key_aggregate_node.h) keeps per group for sum, count, count_all, min
/// and max, with the semantics of Arrow's hash_ functions of those names.
class GroupedAccumulator {
 public:
  virtual ~GroupedAccumulator() = default;

  /// Whether Quiver has an accumulator for Arrow's aggregate `function` (without its
  /// hash_ prefix) over `input` (null for count_all) with `options`.
  static bool Supports(const std::string& function, const arrow::DataType* input,
                       const arrow::compute::FunctionOptions* options);
  /// The accumulator; Supports must hold.
  static std::unique_ptr<GroupedAccumulator> Make(const std::string& function,
                                                  const std::shared_ptr<arrow::DataType>& input,
                                                  const arrow::compute::FunctionOptions* options,
                                                  arrow::MemoryPool* pool);

  /// The type of the result column.
  virtual std::shared_ptr<arrow::DataType> result_type() const = 0;
  /// Makes room for `groups` groups.
  virtual arrow::Status Resize(int64_t groups) = 0;
  /// Adds row i of `values` (an array or a scalar standing for every row; ignored by
  /// count_all) to group groups[i], for `length` rows.
  virtual arrow::Status Consume(const arrow::Datum& values, const uint32_t* groups, int64_t length) = 0;
  /// Adds group g of `other` (the same kind) to group mapping[g].
  virtual arrow::Status Merge(GroupedAccumulator& other, const uint32_t* mapping) = 0;
  /// The result of each group, in group order.
  virtual arrow::Result<std::shared_ptr<arrow::ArrayData>> Finish() = 0;
};

}  // namespace quiver::exec
