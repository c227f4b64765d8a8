#include "quiver/dist/batch_coalescer.h"

#include <arrow/util/byte_size.h>

namespace quiver::dist {

arrow::Result<std::shared_ptr<arrow::RecordBatch>> BatchCoalescer::Add(std::shared_ptr<arrow::RecordBatch> batch) {
  // Counts whole buffers, even of a slice: an overestimate, which only sends sooner.
  const int64_t bytes = arrow::util::TotalBufferSize(*batch);
  if (pending_.empty() && (batch->num_rows() >= min_rows_ || bytes >= max_bytes_)) return batch;
  rows_ += batch->num_rows();
  bytes_ += bytes;
  pending_.push_back(std::move(batch));
  if (rows_ < min_rows_ && bytes_ < max_bytes_) return nullptr;
  return Flush();
}

arrow::Result<std::shared_ptr<arrow::RecordBatch>> BatchCoalescer::Flush() {
  if (pending_.empty()) return nullptr;
  std::shared_ptr<arrow::RecordBatch> out;
  if (pending_.size() == 1) {
    out = std::move(pending_.front());
  } else {
    ARROW_ASSIGN_OR_RAISE(out, arrow::ConcatenateRecordBatches(pending_, pool_));
  }
  pending_.clear();
  rows_ = 0;
  bytes_ = 0;
  return out;
}

}  // namespace quiver::dist
