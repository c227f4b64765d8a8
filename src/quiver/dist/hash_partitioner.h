#pragma once

#include <arrow/record_batch.h>
#include <arrow/result.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace quiver::dist {

/// Splits batches by the hash of some of their columns, so that rows with equal keys
/// land in the same partition whichever producer sends them. Equal values hash alike
/// across integer widths (5 as int32 or int64), and NULLs all hash alike (a join whose
/// NULL keys match, for INTERSECT, finds them together).
class HashPartitioner {
 public:
  HashPartitioner(std::vector<std::string> keys, uint32_t partitions)
      : keys_(std::move(keys)), partitions_(partitions) {}

  /// One batch per partition (null where no row goes).
  arrow::Result<std::vector<std::shared_ptr<arrow::RecordBatch>>> Split(
      const std::shared_ptr<arrow::RecordBatch>& batch) const;

  /// The partition of each row.
  arrow::Result<std::vector<uint32_t>> PartitionsOf(const arrow::RecordBatch& batch) const;

 private:
  std::vector<std::string> keys_;
  uint32_t partitions_;
};

}  // namespace quiver::dist
