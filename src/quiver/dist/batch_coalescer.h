#pragma once

#include <arrow/memory_pool.h>
#include <arrow/record_batch.h>
#include <arrow/result.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace quiver::dist {

/// Gathers the small batches a task produces into larger ones before they leave it.
/// Every batch an exchange carries costs an IPC message, a gRPC write and a wake-up of
/// its reader whatever its size, and a task's output often comes in slivers: a selective
/// filter keeps a few rows of each batch scanned, and a hash split cuts each batch in as
/// many parts as there are partitions.
class BatchCoalescer {
 public:
  /// A gathered batch goes out once it holds `min_rows` rows or `max_bytes` bytes.
  BatchCoalescer(arrow::MemoryPool* pool, int64_t min_rows = kMinRows, int64_t max_bytes = kMaxBytes)
      : pool_(pool), min_rows_(min_rows), max_bytes_(max_bytes) {}

  /// The batch to send now, or null: `batch` itself when it is large enough and nothing
  /// is waiting, else the gathered rows once they are enough.
  arrow::Result<std::shared_ptr<arrow::RecordBatch>> Add(std::shared_ptr<arrow::RecordBatch> batch);
  /// The rows still gathered, as one batch (null when there are none).
  arrow::Result<std::shared_ptr<arrow::RecordBatch>> Flush();

  static constexpr int64_t kMinRows = 32 * 1024;
  static constexpr int64_t kMaxBytes = 4 * 1024 * 1024;

 private:
  arrow::MemoryPool* pool_;
  int64_t min_rows_;
  int64_t max_bytes_;
  std::vector<std::shared_ptr<arrow::RecordBatch>> pending_;
  int64_t rows_ = 0;
  int64_t bytes_ = 0;
};

}  // namespace quiver::dist
